#include "io/strict_json.h"

#include <exception>
#include <set>

namespace aq {
namespace {

// Error text may quote raw bytes of a corrupt file: keep it printable.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) out += (c >= 0x20 && c < 0x7f) ? char(c) : '?';
  return out;
}

// The nesting depth of `text`, stopping early past `limit` (a scan, before any parsing work).
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c == '}' || c == ']') --depth;
  }
  return deepest;
}

struct Frame {
  std::set<std::string> keys;
  std::string current;
};

}  // namespace

std::string json_type_name(const nlohmann::json& j) {
  using V = nlohmann::json::value_t;
  switch (j.type()) {
    case V::null: return "null";
    case V::object: return "an object";
    case V::array: return "an array";
    case V::string: return "a string";
    case V::boolean: return "a boolean";
    case V::number_integer:
    case V::number_unsigned: return "an integer";
    case V::number_float: return "a floating-point number";
    case V::binary: return "binary data";
    case V::discarded: break;
  }
  return "an invalid value";
}

Result<StrictJson> parse_strict_json(std::string_view text, const std::string& file,
                                     std::string_view what) {
  // nlohmann stops at a NUL byte as if the text ended there, which would hide whatever follows.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    return make_error(ErrorKind::BadInput, file, "",
                      "malformed JSON in the " + std::string(what) + ": a NUL byte at byte " +
                          std::to_string(nul + 1));
  if (nesting_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
    return make_error(ErrorKind::BadInput, file, "",
                      "the " + std::string(what) + " nests objects or arrays more than " +
                          std::to_string(kMaxJsonDepth) + " levels deep: not a real " + std::string(what));
  StrictJson out;
  std::vector<Frame> frames;
  auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      frames.emplace_back();
    } else if (event == E::object_end) {
      if (!frames.empty()) frames.pop_back();
    } else if (event == E::key && !frames.empty()) {
      const std::string* key = parsed.get_ptr<const std::string*>();
      if (!key) return true;
      Frame& top = frames.back();
      top.current = *key;
      if (!top.keys.insert(*key).second && !out.duplicate) {
        std::vector<std::string> path;
        for (const Frame& f : frames) path.push_back(f.current);
        out.duplicate = std::move(path);
      }
    }
    return true;
  };
  try {
    out.value = nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    std::string msg = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag: users need the position and cause.
    if (auto p = msg.find("] "); msg.rfind("[json.exception", 0) == 0 && p != std::string::npos)
      msg = msg.substr(p + 2);
    return make_error(ErrorKind::BadInput, file, "",
                      "malformed JSON in the " + std::string(what) + ": " + printable(msg));
  } catch (const std::exception& e) {  // bad_alloc on absurd input, type errors
    return make_error(ErrorKind::BadInput, file, "",
                      "cannot parse the " + std::string(what) + ": " + printable(e.what()));
  }
  return out;
}

}  // namespace aq
