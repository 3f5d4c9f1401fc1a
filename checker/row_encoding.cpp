#include "checker/row_encoding.h"

namespace randsync::checker {
namespace {
struct StringSink {
  std::string out;
  void Put(const void* data, size_t size) { out.append(static_cast<const char*>(data), size); }
};
}  // namespace

std::string EncodeRowToString(const std::optional<std::string_view>* fields, size_t count) {
  StringSink sink;
  EncodeRowStart(sink, count);
  for (size_t i = 0; i < count; ++i) EncodeField(sink, fields[i]);
  return std::move(sink.out);
}

}  // namespace randsync::checker
