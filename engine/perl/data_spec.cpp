#include "engine/perl/data_spec.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "base/errors.h"
#include "base/file_text.h"
#include "engine/perl/embedded_perl.h"
#include "engine/perl/perl_api.h"  // last: perl.h defines lower-case macros

namespace randsync {

namespace {

// Deeper nesting than any data spec needs; stops self-referencing data.
constexpr int kMaxDepth = 64;

// A Perl value as JSON. Scalars keep the type Perl gives them: a value that
// has a string form is a string ('100'), one that is only numeric a number
// (100), the way JSON::PP decides.
nlohmann::json ToJson(pTHX_ SV* sv, int depth) {
  if (depth > kMaxDepth) throw std::runtime_error("data nested too deeply (a cycle?)");
  SvGETMAGIC(sv);
  if (!SvOK(sv)) return nullptr;
  if (SvROK(sv)) {
    SV* const target = SvRV(sv);
    switch (SvTYPE(target)) {
      case SVt_PVAV: {
        AV* const av = reinterpret_cast<AV*>(target);
        nlohmann::json array = nlohmann::json::array();
        const SSize_t top = av_top_index(av);
        for (SSize_t i = 0; i <= top; ++i) {
          SV** const element = av_fetch(av, i, 0);
          array.push_back(element != nullptr ? ToJson(aTHX_ *element, depth + 1) : nullptr);
        }
        return array;
      }
      case SVt_PVHV: {
        HV* const hv = reinterpret_cast<HV*>(target);
        nlohmann::json object = nlohmann::json::object();
        hv_iterinit(hv);
        while (HE* const entry = hv_iternext(hv)) {
          I32 key_len = 0;
          const char* const key = hv_iterkey(entry, &key_len);
          object[std::string(key, static_cast<size_t>(key_len))] =
              ToJson(aTHX_ hv_iterval(hv, entry), depth + 1);
        }
        return object;
      }
      case SVt_PVCV:
        throw std::runtime_error("a code reference cannot be data");
      default:
        if (SvTYPE(target) < SVt_PVAV) return ToJson(aTHX_ target, depth + 1);  // \"x"
        throw std::runtime_error("unsupported reference in data");
    }
  }
  if (SvIsBOOL(sv)) return static_cast<bool>(SvTRUE(sv));
  if (!SvPOKp(sv)) {
    if (SvIOKp(sv)) {
      if (SvIsUV(sv)) return static_cast<uint64_t>(SvUVX(sv));
      return static_cast<int64_t>(SvIVX(sv));
    }
    if (SvNOKp(sv)) return static_cast<double>(SvNVX(sv));
  }
  STRLEN len = 0;
  const char* const s = SvPV(sv, len);
  return std::string(s, len);
}

}  // namespace

nlohmann::json EvalDataSpec(const std::string& path) {
  const std::string text = ReadTextFile(path, "the data spec");
  std::string source = "package main; no strict;\n#line 1 \"";
  for (char c : path) {
    if (c != '"' && c != '\n') source += c;
  }
  source += "\"\n";
  source += text;

  perl::Interpreter interpreter;
  PerlInterpreter* const my_perl = interpreter.get();
  perl::ContextScope context(my_perl);
  std::string error;
  nlohmann::json spec = nlohmann::json::object();
  {
    dSP;
    ENTER;
    SAVETMPS;
    eval_sv(sv_2mortal(newSVpvn(source.data(), source.size())), G_SCALAR | G_DISCARD);
    SPAGAIN;
    PUTBACK;
    if (SvTRUE(ERRSV)) {
      error = perl::OneLine(SvPV_nolen(ERRSV));
    } else {
      try {
        for (const char* name : {"schemas", "tables", "fields", "data"}) {
          SV* const sv = get_sv((std::string("main::") + name).c_str(), 0);
          spec[name] = sv != nullptr ? ToJson(aTHX_ sv, 0) : nlohmann::json(nullptr);
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    FREETMPS;
    LEAVE;
  }
  if (!error.empty()) throw InputError(path + ": " + error);
  return spec;
}

}  // namespace randsync
