#include "util/display_text.h"

#include <cstdio>

namespace aq {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = utf8_length(text, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      append_escape(out, c);
      ++i;
      continue;
    }
    // C1 control characters (U+0080..U+009F) can also drive a terminal.
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      out += "\\u00";
      char buf[4];
      std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(text[i + 1]));
      out += buf;
      i += 2;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string display_text(std::string_view text, std::size_t max_chars) {
  std::string s = escape_text(text);
  if (s.size() <= max_chars || max_chars < 16) return s;
  const std::size_t head = max_chars * 2 / 3, tail = max_chars - head;
  // Cut on character boundaries: never inside a UTF-8 sequence or an escape.
  auto back_to_boundary = [&](std::size_t at) {
    while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
    return at;
  };
  std::size_t h = back_to_boundary(head);
  std::size_t t = back_to_boundary(s.size() - tail);
  for (std::size_t k = h; k > 0 && k + 4 > h; --k)
    if (s[k - 1] == '\\') h = k - 1;
  for (std::size_t k = t; k > 0 && k + 4 > t; --k)
    if (s[k - 1] == '\\') t = k - 1;
  return s.substr(0, h) + "..." + s.substr(t) + " (" + std::to_string(text.size()) + " bytes)";
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace aq
