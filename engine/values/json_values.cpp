// The JSON family: _json(N), _jsonpath, _jsonkey, _jsonvalue, _jsonarray,
// _jsonpair, _jsonobject, shaped as RQG master's Random.pm builds them
// (json.org terms: a structure is an object or an array; objects hold pairs).
//
// Deliberate differences from RQG master, all where it emits something it
// clearly did not mean to:
// - the null value is `null`; RQG writes `NULL`, which is not JSON;
// - numbers are random 32-bit integers; RQG calls int() without a range and
//   so always writes 0;
// - _jsonarray / _jsonobject hold N members (or, without N, as many as a
//   nested array / object would); RQG passes no length and always yields
//   [] / {}.
#include <algorithm>
#include <cstddef>

#include "engine/values/value_kind.h"

namespace randsync::values {

namespace {

using Words = const std::vector<std::string>*;

// MariaDB refuses JSON nested deeper than 32; the random nesting practically
// never gets there (each value nests with probability 2/47), this only bounds
// the recursion.
constexpr int kMaxDepth = 32;

void AppendValue(Words english, Prng& prng, int depth, std::string& out);

void AppendArray(Words english, int64_t count, Prng& prng, int depth, std::string& out) {
  out.push_back('[');
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    AppendValue(english, prng, depth + 1, out);
  }
  out.push_back(']');
}

void AppendPair(Words english, Prng& prng, int depth, std::string& out) {
  out.push_back('"');
  AppendJsonKey(english, prng, out);
  out += "\": ";
  AppendValue(english, prng, depth, out);
}

void AppendObject(Words english, int64_t count, Prng& prng, int depth, std::string& out) {
  out.push_back('{');
  for (int64_t i = 0; i < count; ++i) {
    if (i > 0) out.push_back(',');
    AppendPair(english, prng, depth + 1, out);
  }
  out.push_back('}');
}

void AppendValue(Words english, Prng& prng, int depth, std::string& out) {
  // RQG's weights out of 47: object 1, array 1, string 12, number 12,
  // true 7, false 7, null 7.
  size_t pick = prng.Index(47);
  if (depth >= kMaxDepth && pick < 2) pick = 2;
  if (pick < 1) {
    AppendObject(english, prng.Int(0, 8), prng, depth, out);
  } else if (pick < 2) {
    AppendArray(english, prng.Int(0, 16), prng, depth, out);
  } else if (pick < 14) {
    out.push_back('"');
    AppendString(prng, prng.Int(0, 64), out);
    out.push_back('"');
  } else if (pick < 26) {
    AppendInt(prng.Int(-2147483648LL, 2147483647LL), out);
  } else if (pick < 33) {
    out += "true";
  } else if (pick < 40) {
    out += "false";
  } else {
    out += "null";
  }
}

}  // namespace

void AppendJson(Words english, int64_t len, Prng& prng, std::string& out) {
  // len counts the structures of the first two levels: 1 -> [] or {},
  // 2 -> one member, ... Without N it is 0..64, and len <= 0 is '' -- RQG
  // keeps that deliberately invalid JSON in the mix.
  if (len < 0) len = prng.Int(0, 64);
  if (len == 0) return;
  if (prng.Index(2) == 0) {
    AppendArray(english, len - 1, prng, 0, out);
  } else {
    AppendObject(english, len - 1, prng, 0, out);
  }
}

void AppendJsonPath(Words english, Prng& prng, std::string& out) {
  // '$' and 0..4 legs: [n] / [*], **, .key / ."key" / .*
  out.push_back('$');
  for (int64_t legs = prng.Int(0, 4); legs > 0; --legs) {
    switch (prng.Index(3)) {
      case 0: {
        int64_t index = prng.Int(-1, 8);
        out.push_back('[');
        if (index < 0) {
          out.push_back('*');
        } else {
          AppendInt(index, out);
        }
        out.push_back(']');
        break;
      }
      case 1:
        out += "**";
        break;
      default: {
        // The key is drawn before the quoting and wildcard choices, as in
        // RQG, so the draws are the same whichever way they go.
        out.push_back('.');
        const size_t key_at = out.size();
        AppendJsonKey(english, prng, out);
        bool quoted = prng.Int(0, 2) == 0;
        bool wildcard = prng.Int(0, 3) == 0;
        if (wildcard) {
          out.resize(key_at);
          out.push_back('*');
        } else if (quoted) {
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(key_at), '"');
          out.push_back('"');
        }
      }
    }
  }
}

void AppendJsonKey(Words english, Prng& prng, std::string& out) {
  // An english word without apostrophes (as RQG: the token then never needs
  // "..." quoting), and, beyond RQG, without '"' and '\\', which a user's
  // word list could hold and which would break the JSON around the key.
  const size_t at = out.size();
  AppendWord(english, prng, out);
  out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(),
                           [](char c) { return c == '\'' || c == '"' || c == '\\'; }),
            out.end());
}

void AppendJsonValue(Words english, Prng& prng, std::string& out) {
  AppendValue(english, prng, 0, out);
}

void AppendJsonArray(Words english, int64_t len, Prng& prng, std::string& out) {
  AppendArray(english, len >= 0 ? len : prng.Int(0, 16), prng, 0, out);
}

void AppendJsonPair(Words english, Prng& prng, std::string& out) {
  AppendPair(english, prng, 0, out);
}

void AppendJsonObject(Words english, int64_t len, Prng& prng, std::string& out) {
  AppendObject(english, len >= 0 ? len : prng.Int(0, 8), prng, 0, out);
}

}  // namespace randsync::values
