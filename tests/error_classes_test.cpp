// The error table: classes of well-known numbers, the message-borne handler
// errors, the SQLSTATE fallback, and that nothing unknown passes as ok.
#include <errmsg.h>
#include <mysqld_error.h>

#include <gtest/gtest.h>

#include "engine/load/error_classes.h"
#include "engine/load/run_status.h"

namespace randsync::load {
namespace {

TEST(ErrorClasses, SuccessIsOk) { EXPECT_EQ(ClassifyError(0, "00000"), Outcome::kOk); }

TEST(ErrorClasses, TransactionErrorsAreExpected) {
  for (unsigned n : {1020u, 1022u, 1062u, 1205u, 1213u, 1451u, 1452u, 1614u}) {
    EXPECT_EQ(ClassifyError(n, "HY000"), Outcome::kExpected) << n;
  }
}

TEST(ErrorClasses, SemanticErrorsAreExpected) {
  for (unsigned n : {1007u, 1008u, 1050u, 1051u, 1054u, 1060u, 1061u, 1091u, 1146u, 1109u,
                     1264u, 1265u, 1292u, 1366u, 1406u, 1397u, 1399u, 1440u, 1317u, 1969u,
                     1028u, 1305u /* SP range */, 1505u /* partitioning range */,
                     4038u /* JSON range */}) {
    EXPECT_EQ(ClassifyError(n, "HY000"), Outcome::kExpected) << n;
  }
}

TEST(ErrorClasses, ParseErrorIsSyntaxNotOk) {
  // RQG master counted 1064 as OK (missing from its table).
  EXPECT_EQ(ClassifyError(ER_PARSE_ERROR, "42000"), Outcome::kSyntax);
  EXPECT_EQ(ClassifyError(ER_SYNTAX_ERROR, "42000"), Outcome::kSyntax);
}

TEST(ErrorClasses, LostConnectionsAndShutdownAreServerGone) {
  // 2006 included: RQG master calls it semantic.
  for (unsigned n : {2002u, 2003u, 2006u, 2013u, 2055u, 1053u, 1077u, 1078u, 1079u, 1080u,
                     1927u}) {
    EXPECT_EQ(ClassifyError(n, "HY000"), Outcome::kServerGone) << n;
  }
}

TEST(ErrorClasses, Corruption) {
  for (unsigned n : {126u, 145u, 1034u, 1035u, 1194u, 1195u, 1712u, 1817u, 1877u, 1932u}) {
    EXPECT_EQ(ClassifyError(n, "HY000"), Outcome::kCorruption) << n;
  }
}

TEST(ErrorClasses, HandlerErrorsInsideMessages) {
  EXPECT_EQ(ClassifyError(ER_GET_ERRNO, "HY000",
                          "Got error 126 \"Index is corrupted\" from storage engine Aria"),
            Outcome::kCorruption);
  EXPECT_EQ(ClassifyError(ER_ERROR_DURING_COMMIT, "HY000", "Got error 145 during COMMIT"),
            Outcome::kCorruption);
  // 139 "Too big row" is an ordinary consequence of random data.
  EXPECT_EQ(ClassifyError(ER_GET_ERRNO, "HY000",
                          "Got error 139 \"Too big row\" from storage engine InnoDB"),
            Outcome::kExpected);
  // Only the generic "Got error N" errors are read this way.
  EXPECT_EQ(ClassifyError(ER_DUP_ENTRY, "23000", "Duplicate entry 'error 126' for key 'PRIMARY'"),
            Outcome::kExpected);
}

TEST(ErrorClasses, Environment) {
  for (unsigned n : {5u, 1021u, 1037u, 1038u, 1040u, 1041u, 1135u, 2014u}) {
    EXPECT_EQ(ClassifyError(n, "HY000"), Outcome::kEnvironment) << n;
  }
}

TEST(ErrorClasses, UnknownNumbersAreUnknownNotOk) {
  EXPECT_EQ(ClassifyError(ER_UNKNOWN_ERROR, "HY000"), Outcome::kUnknownError);  // 1105
  EXPECT_EQ(ClassifyError(ER_INTERNAL_ERROR, "HY000"), Outcome::kUnknownError);
  EXPECT_EQ(ClassifyError(9999, "HY000"), Outcome::kUnknownError);
  EXPECT_EQ(ClassifyError(CR_UNKNOWN_ERROR, "HY000"), Outcome::kUnknownError);
  EXPECT_EQ(ClassifyError(9999, "42000"), Outcome::kUnknownError);  // too broad to trust
}

TEST(ErrorClasses, SqlStateDecidesOnlyUnambiguousClassesOfUnknownNumbers) {
  EXPECT_EQ(ClassifyError(9999, "23000"), Outcome::kExpected);
  EXPECT_EQ(ClassifyError(9999, "22003"), Outcome::kExpected);
  EXPECT_EQ(ClassifyError(9999, "40001"), Outcome::kExpected);
  EXPECT_EQ(ClassifyError(9999, "42S02"), Outcome::kExpected);
  EXPECT_EQ(ClassifyError(9999, "XAE07"), Outcome::kExpected);
  EXPECT_EQ(ClassifyError(9999, ""), Outcome::kUnknownError);
  // The table wins over the SQLSTATE.
  EXPECT_EQ(ClassifyError(ER_PARSE_ERROR, "23000"), Outcome::kSyntax);
}

TEST(ErrorClasses, Names) {
  EXPECT_STREQ(ErrorName(1062), "ER_DUP_ENTRY");
  EXPECT_STREQ(ErrorName(1064), "ER_PARSE_ERROR");
  EXPECT_STREQ(ErrorName(2013), "CR_SERVER_LOST");
  EXPECT_STREQ(ErrorName(126), "HA_ERR_CRASHED");
  EXPECT_EQ(ErrorName(9999), nullptr);
  // Numbers the class table leaves out are named from Connector/C's headers.
  EXPECT_STREQ(ErrorName(1304), "ER_SP_ALREADY_EXISTS");
  EXPECT_STREQ(ErrorName(1305), "ER_SP_DOES_NOT_EXIST");
  EXPECT_STREQ(ErrorName(1327), "ER_SP_UNDECLARED_VAR");
  EXPECT_STREQ(ErrorName(4078), "ER_ILLEGAL_PARAMETER_DATA_TYPES2_FOR_OPERATION");
  EXPECT_STREQ(ErrorName(1000), "ER_HASHCHK") << "a range marker (ER_ERROR_FIRST) is no error's name";
  EXPECT_STREQ(ErrorName(2000), "CR_UNKNOWN_ERROR");
  unsigned unnamed = 0;
  for (unsigned n = 1000; n <= 1880; ++n) unnamed += ErrorName(n) == nullptr;  // the first section
  EXPECT_EQ(unnamed, 0u) << "every server error number from 1000 to 1880 has a name";
}

TEST(ErrorClasses, FatalClassesAndTheirStatuses) {
  EXPECT_FALSE(IsFatal(Outcome::kOk));
  EXPECT_FALSE(IsFatal(Outcome::kExpected));
  EXPECT_FALSE(IsFatal(Outcome::kSyntax));
  EXPECT_FALSE(IsFatal(Outcome::kUnknownError));
  EXPECT_EQ(ExitCode(StatusFor(Outcome::kServerGone)), 101);
  EXPECT_EQ(ExitCode(StatusFor(Outcome::kCorruption)), 106);
  EXPECT_EQ(ExitCode(StatusFor(Outcome::kEnvironment)), 110);
  EXPECT_EQ(ExitCode(StatusFor(Outcome::kExpected)), 0);
  EXPECT_STREQ(ToString(Status::kServerCrashed), "STATUS_SERVER_CRASHED");
}

}  // namespace
}  // namespace randsync::load
