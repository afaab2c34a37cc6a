#include "store/database.h"

#include <charconv>
#include <cstdlib>

namespace sonora::store {

int64_t Value::AsInt() const {
  if (auto* i = std::get_if<int64_t>(&v_)) return *i;
  if (auto* d = std::get_if<double>(&v_)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v_)) {
    if (*s == "t" || *s == "true") return 1;
    if (*s == "f" || *s == "false") return 0;
    int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

double Value::AsDouble() const {
  if (auto* d = std::get_if<double>(&v_)) return *d;
  if (auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v_)) {
    double out = 0;  // from_chars: locale-independent, unlike strtod
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0.0;
}

bool Value::AsBool() const { return AsInt() != 0; }

std::string Value::AsString() const {
  if (auto* s = std::get_if<std::string>(&v_)) return *s;
  if (auto* i = std::get_if<int64_t>(&v_)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v_)) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), *d);
    return std::string(buf, p);
  }
  return "";
}

}  // namespace sonora::store
