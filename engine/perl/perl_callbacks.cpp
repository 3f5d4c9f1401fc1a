#include "engine/perl/perl_callbacks.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/perl/perl_api.h"  // last: perl.h defines lower-case macros

#include "base/text_util.h"

namespace randsync::perl {

namespace {

thread_local CallbackState* t_active = nullptr;

// Croaking longjmps over C++ frames and would skip their destructors, so C++
// work that may throw or owns memory runs inside Catch(), and the XS function
// croaks only after that frame has returned. Bodies capture by reference
// only, which keeps the lambda object itself trivially destructible.
template <class Body>
SV* Catch(pTHX_ Body&& body) {
  try {
    body();
    return nullptr;
  } catch (const std::exception& e) {
    return sv_2mortal(newSVpv(e.what(), 0));
  } catch (...) {
    return sv_2mortal(newSVpvs("unknown C++ exception"));
  }
}

// The host whose Perl code is running. No C++ objects are alive here, so
// croaking directly is safe.
CallbackState& Active(pTHX) {
  if (t_active == nullptr) {
    croak("randsync: $prng, $generator and $executors work only inside grammar code blocks");
  }
  return *t_active;
}

SV* Arg(pTHX_ I32 ax, I32 items, I32 i) {
  return i < items ? PL_stack_base[ax + i] : &PL_sv_undef;
}

std::string_view StringArg(pTHX_ SV* sv) {
  if (!SvOK(sv)) return {};
  STRLEN len = 0;
  const char* s = SvPV(sv, len);
  return {s, len};
}

// An argument whose value is a whole number in int64_t range; undef is 0
// (Perl's numeric value of undef).
bool IntegralArg(pTHX_ SV* sv, int64_t* out) {
  if (!SvOK(sv)) {
    *out = 0;
    return true;
  }
  if (SvIOK(sv) && !SvIsUV(sv)) {
    *out = SvIVX(sv);
    return true;
  }
  const NV nv = SvNV(sv);
  if (std::isfinite(nv) && nv == std::trunc(nv) && nv >= -9.2e18 && nv <= 9.2e18) {
    *out = static_cast<int64_t>(nv);
    return true;
  }
  return false;
}

// ---- returning -------------------------------------------------------------

// One return value. Rewinds to the mark and makes room first: XS functions
// called with no arguments have no stack slot to overwrite.
#define RS_RETURN1(value)      \
  STMT_START {                 \
    SV* const rs_value_ = (value); \
    SP = MARK;                 \
    EXTEND(SP, 1);             \
    PUSHs(rs_value_);          \
    PUTBACK;                   \
    return;                    \
  }                            \
  STMT_END

#define RS_ARG(i) Arg(aTHX_ ax, items, (i))

// dXSARGS without unused-variable warnings for functions that ignore them.
#define RS_XS_ARGS        \
  dXSARGS;                \
  PERL_UNUSED_VAR(cv);    \
  PERL_UNUSED_VAR(items)

// ---- GenTest::Random ($prng) ---------------------------------------------
// Every draw goes through env.prng() (Boost.Random), never Perl's rand(), so
// a thread's stream is reproducible. The invocant ($_[0]) is ignored.

// int(a, b): uniform in [a, b]. RQG computes int(a + r * (b - a + 1)) with
// r in [0, 1); for whole-number bounds that is Prng::Int, for reversed
// bounds it yields [b + 1, a], and fractional or huge bounds use the formula.
XSPROTO(xs_random_int) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  int64_t a = 0, b = 0;
  SV* const a_sv = RS_ARG(1);
  SV* const b_sv = RS_ARG(2);
  if (IntegralArg(aTHX_ a_sv, &a) && IntegralArg(aTHX_ b_sv, &b)) {
    const int64_t value = b >= a ? prng.Int(a, b) : prng.Int(b + 1, a);
    RS_RETURN1(sv_2mortal(newSViv(value)));
  }
  const NV lo = SvNV(a_sv), hi = SvNV(b_sv);
  const NV value = std::trunc(lo + prng.Real(0, 1) * (hi - lo + 1));
  RS_RETURN1(sv_2mortal(newSVnv(value)));
}

// uint16(a, b): uniform integer in [a, b]; a when the range is empty.
XSPROTO(xs_random_uint16) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  const IV a = SvIV(RS_ARG(1)), b = SvIV(RS_ARG(2));
  RS_RETURN1(sv_2mortal(newSViv(b >= a ? prng.Uint16(a, b) : a)));
}

// float(a, b): a + r * (b - a + 1), r in [0, 1), as RQG.
XSPROTO(xs_random_float) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  const NV a = SvNV(RS_ARG(1)), b = SvNV(RS_ARG(2));
  RS_RETURN1(sv_2mortal(newSVnv(a + prng.Real(0, 1) * (b - a + 1))));
}

XSPROTO(xs_random_digit) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(newSViv(Active(aTHX).env->prng().Int(0, 9))));
}

XSPROTO(xs_random_positive_digit) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(newSViv(Active(aTHX).env->prng().Int(1, 9))));
}

char RandomLetter(Prng& prng) { return static_cast<char>('a' + prng.Int(0, 25)); }

XSPROTO(xs_random_letter) {
  RS_XS_ARGS;
  const char letter = RandomLetter(Active(aTHX).env->prng());
  RS_RETURN1(sv_2mortal(newSVpvn(&letter, 1)));
}

// string(len): '' for len <= 0, one letter for 1 (also the default, RQG's
// varchar_length), else 1..len letters a-z.
XSPROTO(xs_random_string) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  SV* const len_sv = RS_ARG(1);
  const IV len = SvOK(len_sv) ? SvIV(len_sv) : 1;
  SV* const result = sv_2mortal(newSVpvs(""));
  if (len > 0) {
    const IV n = len == 1 ? 1 : prng.Int(1, len);
    char* p = SvGROW(result, static_cast<STRLEN>(n) + 1);
    for (IV i = 0; i < n; ++i) p[i] = RandomLetter(prng);
    p[n] = '\0';
    SvCUR_set(result, static_cast<STRLEN>(n));
  }
  RS_RETURN1(result);
}

AV* ArrayRefArg(pTHX_ SV* sv, const char* method) {
  if (!SvROK(sv) || SvTYPE(SvRV(sv)) != SVt_PVAV) {
    croak("$prng->%s() needs an array reference", method);
  }
  return reinterpret_cast<AV*>(SvRV(sv));
}

// arrayElement(\@a): a random element, undef for an empty array.
XSPROTO(xs_random_array_element) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  AV* const av = ArrayRefArg(aTHX_ RS_ARG(1), "arrayElement");
  const SSize_t n = av_top_index(av) + 1;
  if (n <= 0) RS_RETURN1(&PL_sv_undef);
  SV** const element = av_fetch(av, prng.Int(0, n - 1), 0);
  RS_RETURN1(element != nullptr ? *element : &PL_sv_undef);
}

// shuffleArray(\@a): shuffles @a in place and returns the same reference,
// as RQG does (callers use either the array or the result).
XSPROTO(xs_random_shuffle_array) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  SV* const ref = RS_ARG(1);
  AV* const av = ArrayRefArg(aTHX_ ref, "shuffleArray");
  for (SSize_t i = av_top_index(av); i > 0; --i) {
    const SSize_t j = prng.Int(0, i);
    if (j == i) continue;
    // Value copies rather than pointer swaps, so tied arrays work too.
    SV** const a = av_fetch(av, i, 1);
    SV** const b = av_fetch(av, j, 1);
    if (a == nullptr || b == nullptr) continue;
    SV* const tmp = newSVsv(*a);
    sv_setsv_mg(*a, *b);
    sv_setsv_mg(*b, tmp);
    SvREFCNT_dec(tmp);
  }
  RS_RETURN1(ref);
}

// The cached ValueGenerator::Parse of `name`.
const std::optional<FieldType>& ParsedFieldType(CallbackState& state, const std::string& name) {
  auto [it, inserted] = state.field_types.try_emplace(name);
  if (inserted) it->second = state.env->values().Parse(name);
  return it->second;
}

// fieldType('int'), fieldType('_varchar(10)'), fieldType('english'): the raw
// value the grammar token would give, via the engine's ValueGenerator, so
// Perl and built-in tokens share ranges and randomness.
XSPROTO(xs_random_field_type) {
  RS_XS_ARGS;
  CallbackState& state = Active(aTHX);
  const std::string_view arg = StringArg(aTHX_ RS_ARG(1));
  SV* result = &PL_sv_undef;
  SV* const error = Catch(aTHX_ [&] {
    // RQG's normalisation: the first space becomes '_', a leading '_' goes.
    std::string name(arg);
    if (const size_t space = name.find(' '); space != std::string::npos) name[space] = '_';
    if (!name.empty() && name[0] == '_') name.erase(0, 1);
    size_t base_len = 0;
    while (base_len < name.size() && std::isalpha(static_cast<unsigned char>(name[base_len]))) {
      ++base_len;
    }
    const std::string_view base(name.data(), base_len);
    Prng& prng = state.env->prng();
    if (base == "null") return;  // RQG: undef
    if (name == "digit") {
      result = sv_2mortal(newSViv(prng.Int(0, 9)));
      return;
    }
    if (name == "letter") {
      const char letter = RandomLetter(prng);
      result = sv_2mortal(newSVpvn(&letter, 1));
      return;
    }
    const std::optional<FieldType>& type = ParsedFieldType(state, name);
    if (!type) throw std::invalid_argument("unknown field type " + std::string(arg));
    state.scratch.clear();
    state.env->values().AppendRaw(*type, prng, state.scratch);
    result = sv_2mortal(newSVpvn(state.scratch.data(), state.scratch.size()));
  });
  if (error != nullptr) croak_sv(error);
  RS_RETURN1(result);
}

// fromDictionary('english'): a random word of that list; undef when there
// is no such list (RQG warns and returns undef).
XSPROTO(xs_random_from_dictionary) {
  RS_XS_ARGS;
  CallbackState& state = Active(aTHX);
  const std::string_view arg = StringArg(aTHX_ RS_ARG(1));
  SV* result = &PL_sv_undef;
  SV* const error = Catch(aTHX_ [&] {
    const std::optional<FieldType>& type = ParsedFieldType(state, std::string(arg));
    if (!type || type->words == nullptr || type->words->empty()) return;
    state.scratch.clear();
    state.env->values().AppendRaw(*type, state.env->prng(), state.scratch);
    result = sv_2mortal(newSVpvn(state.scratch.data(), state.scratch.size()));
  });
  if (error != nullptr) croak_sv(error);
  RS_RETURN1(result);
}

// isFieldType('x'): true when fieldType('x') would produce a value.
XSPROTO(xs_random_is_field_type) {
  RS_XS_ARGS;
  CallbackState& state = Active(aTHX);
  const std::string_view arg = StringArg(aTHX_ RS_ARG(1));
  bool known = false;
  SV* const error = Catch(aTHX_ [&] {
    std::string name(arg);
    if (!name.empty() && name[0] == '_') name.erase(0, 1);
    known = name == "digit" || name == "letter" || ParsedFieldType(state, name).has_value();
  });
  if (error != nullptr) croak_sv(error);
  RS_RETURN1(known ? &PL_sv_yes : &PL_sv_undef);
}

// ---- functions imported into the grammar package -------------------------

// rand(N): Perl's rand, but drawn from env.prng() so grammars that call it
// stay reproducible. rand(0) and rand() mean rand(1), as in Perl.
XSPROTO(xs_rand) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  SV* const n_sv = RS_ARG(0);
  NV n = SvOK(n_sv) ? SvNV(n_sv) : 1.0;
  if (n == 0) n = 1.0;
  RS_RETURN1(sv_2mortal(newSVnv(prng.Real(0, 1) * n)));
}

// srand(): a no-op; the stream is seeded by --seed and the thread number.
XSPROTO(xs_srand) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(newSViv(1)));
}

// shuffle(LIST): List::Util's shuffle, drawn from env.prng().
XSPROTO(xs_shuffle) {
  RS_XS_ARGS;
  Prng& prng = Active(aTHX).env->prng();
  for (I32 i = items - 1; i > 0; --i) {
    const I32 j = static_cast<I32>(prng.Index(static_cast<size_t>(i) + 1));
    SV* const tmp = ST(i);
    ST(i) = ST(j);
    ST(j) = tmp;
  }
  XSRETURN(items);
}

// ---- $generator ------------------------------------------------------------

XSPROTO(xs_thread_id) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(newSVuv(Active(aTHX).env->thread_id())));
}

XSPROTO(xs_seq_id) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(newSVuv(Active(aTHX).env->seq_id())));
}

// ---- $executors->[0]: metadata from env.schema() ------------------------------

SV* NewString(pTHX_ std::string_view s) { return newSVpvn(s.data(), s.size()); }

SV* NewArrayRef(pTHX_ AV* av) { return sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(av))); }

const Database* FindDatabase(const Schema& schema, std::string_view name) {
  for (const Database& db : schema.databases) {
    if (db.name == name) return &db;
  }
  return nullptr;
}

// `db_sv` undef means the default database, as Executor.pm's defaultSchema.
const Database* DatabaseArg(pTHX_ const Schema& schema, SV* db_sv) {
  return FindDatabase(schema, SvOK(db_sv) ? StringArg(aTHX_ db_sv)
                                          : std::string_view(schema.default_database));
}

XSPROTO(xs_default_schema) {
  RS_XS_ARGS;
  RS_RETURN1(sv_2mortal(NewString(aTHX_ Active(aTHX).env->schema().default_database)));
}

// meta_schemas(): database names, or RQG's placeholder when there are none.
XSPROTO(xs_meta_schemas) {
  RS_XS_ARGS;
  const Schema& schema = Active(aTHX).env->schema();
  AV* const av = newAV();
  for (const Database& db : schema.databases) av_push(av, NewString(aTHX_ db.name));
  if (av_top_index(av) < 0) av_push(av, newSVpvs("non_existing_schema"));
  RS_RETURN1(NewArrayRef(aTHX_ av));
}

// meta_tables(kind, db, placeholder): kind 0 = tables and views, 1 = base
// tables, 2 = views; [placeholder] when the database has none.
XSPROTO(xs_meta_tables) {
  RS_XS_ARGS;
  const Schema& schema = Active(aTHX).env->schema();
  const IV kind = SvIV(RS_ARG(0));
  const Database* const db = DatabaseArg(aTHX_ schema, RS_ARG(1));
  AV* const av = newAV();
  if (db != nullptr) {
    for (const Table& table : db->tables) {
      if (kind == 0 || (kind == 1 && !table.is_view) || (kind == 2 && table.is_view)) {
        av_push(av, NewString(aTHX_ table.name));
      }
    }
  }
  if (av_top_index(av) < 0) av_push(av, newSVsv(RS_ARG(2)));
  RS_RETURN1(NewArrayRef(aTHX_ av));
}

// information_schema's DATA_TYPE: the column type up to '(' or ' '.
std::string_view RealType(const Column& column) {
  const std::string_view type(column.column_type);
  if (type.empty()) return column.type_class;
  return type.substr(0, type.find_first_of("( "));
}

// information_schema's CHARACTER_MAXIMUM_LENGTH; undef for other types.
SV* NewMaxLength(pTHX_ const Column& column) {
  const std::string_view real = RealType(column);
  for (const char* t : {"char", "varchar", "binary", "varbinary"}) {
    if (!EqualsNoCase(real, t)) continue;
    const size_t open = column.column_type.find('(');
    if (open == std::string::npos) return newSViv(1);  // CHAR means CHAR(1)
    return newSViv(std::strtoll(column.column_type.c_str() + open + 1, nullptr, 10));
  }
  static const struct {
    const char* type;
    IV length;
  } kLobs[] = {{"tinyblob", 255},        {"tinytext", 255},          {"blob", 65535},
               {"text", 65535},          {"mediumblob", 16777215},   {"mediumtext", 16777215},
               {"longblob", 4294967295}, {"longtext", 4294967295}};
  for (const auto& lob : kLobs) {
    if (EqualsNoCase(real, lob.type)) return newSViv(lob.length);
  }
  return newSV(0);
}

// table_info(table, db): (is_view, {column => [key, metatype, realtype,
// maxlength]}) as Executor.pm caches it, with key primary|indexed|ordinary;
// an empty list when the table does not exist.
XSPROTO(xs_table_info) {
  RS_XS_ARGS;
  const Schema& schema = Active(aTHX).env->schema();
  SV* const table_sv = RS_ARG(0);
  const Database* const db = DatabaseArg(aTHX_ schema, RS_ARG(1));
  const Table* table = nullptr;
  if (db != nullptr && SvOK(table_sv)) {
    const std::string_view name = StringArg(aTHX_ table_sv);
    for (const Table& t : db->tables) {
      if (t.name == name) {
        table = &t;
        break;
      }
    }
  }
  SP = MARK;
  if (table == nullptr) {
    PUTBACK;
    return;
  }
  HV* const columns = newHV();
  for (const Column& column : table->columns) {
    AV* const info = newAV();
    av_push(info, column.primary   ? newSVpvs("primary")
                  : column.indexed ? newSVpvs("indexed")
                                   : newSVpvs("ordinary"));
    av_push(info, NewString(aTHX_ column.type_class));
    av_push(info, NewString(aTHX_ RealType(column)));
    av_push(info, NewMaxLength(aTHX_ column));
    hv_store(columns, column.name.data(), static_cast<I32>(column.name.size()),
             newRV_noinc(reinterpret_cast<SV*>(info)), 0);
  }
  EXTEND(SP, 2);
  PUSHs(table->is_view ? &PL_sv_yes : &PL_sv_no);
  PUSHs(sv_2mortal(newRV_noinc(reinterpret_cast<SV*>(columns))));
  PUTBACK;
}

void ReturnNames(pTHX_ SV**& sp, SV** mark, const std::vector<std::string>& names,
                 const char* what) {
  if (names.empty()) croak("FATAL ERROR: No %s defined", what);
  AV* const av = newAV();
  for (const std::string& name : names) av_push(av, NewString(aTHX_ name));
  sp = mark;
  EXTEND(sp, 1);
  PUSHs(NewArrayRef(aTHX_ av));
}

XSPROTO(xs_collations) {
  RS_XS_ARGS;
  ReturnNames(aTHX_ SP, MARK, Active(aTHX).env->schema().collations, "Collations");
  PUTBACK;
}

XSPROTO(xs_charsets) {
  RS_XS_ARGS;
  ReturnNames(aTHX_ SP, MARK, Active(aTHX).env->schema().charsets, "character sets");
  PUTBACK;
}

void Define(pTHX_ const char* name, XSUBADDR_t function, const char* prototype = nullptr) {
  static char file[] = __FILE__;
  if (prototype != nullptr) {
    newXS_flags(name, function, file, prototype, 0);
  } else {
    newXS(name, function, file);
  }
}

}  // namespace

void RegisterCallbacks(interpreter* my_perl) {
  Define(aTHX_ "GenTest::Random::int", xs_random_int);
  Define(aTHX_ "GenTest::Random::uint16", xs_random_uint16);
  Define(aTHX_ "GenTest::Random::float", xs_random_float);
  Define(aTHX_ "GenTest::Random::digit", xs_random_digit);
  Define(aTHX_ "GenTest::Random::positive_digit", xs_random_positive_digit);
  Define(aTHX_ "GenTest::Random::letter", xs_random_letter);
  Define(aTHX_ "GenTest::Random::string", xs_random_string);
  Define(aTHX_ "GenTest::Random::arrayElement", xs_random_array_element);
  Define(aTHX_ "GenTest::Random::shuffleArray", xs_random_shuffle_array);
  Define(aTHX_ "GenTest::Random::fieldType", xs_random_field_type);
  Define(aTHX_ "GenTest::Random::fromDictionary", xs_random_from_dictionary);
  Define(aTHX_ "GenTest::Random::isFieldType", xs_random_is_field_type);
  Define(aTHX_ "RandSync::rand", xs_rand, ";$");
  Define(aTHX_ "RandSync::srand", xs_srand, ";$");
  Define(aTHX_ "RandSync::shuffle", xs_shuffle, "@");
  Define(aTHX_ "RandSync::thread_id", xs_thread_id);
  Define(aTHX_ "RandSync::seq_id", xs_seq_id);
  Define(aTHX_ "RandSync::default_schema", xs_default_schema);
  Define(aTHX_ "RandSync::meta_schemas", xs_meta_schemas);
  Define(aTHX_ "RandSync::meta_tables", xs_meta_tables);
  Define(aTHX_ "RandSync::table_info", xs_table_info);
  Define(aTHX_ "RandSync::collations", xs_collations);
  Define(aTHX_ "RandSync::charsets", xs_charsets);
}

ActiveCallbacks::ActiveCallbacks(CallbackState* state) : previous_(t_active) {
  t_active = state;
}

ActiveCallbacks::~ActiveCallbacks() { t_active = previous_; }

}  // namespace randsync::perl
