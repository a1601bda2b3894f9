#include "util/result.h"

#include "util/display_text.h"

namespace aq {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput: return "bad input";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Io: return "I/O error";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Internal: return "internal error";
    case ErrorKind::BadArgument: return "refused";
  }
  return "error";
}

std::string Error::message() const {
  std::string out;
  // File text reaches the terminal only escaped and shortened (a name may hold escape sequences).
  if (!file.empty()) out += display_text(file, 240) + ": ";
  if (!tensor.empty()) out += "tensor '" + display_text(tensor) + "': ";
  out += escape_text(reason);
  return out;
}

Error make_error(ErrorKind kind, std::string file, std::string tensor, std::string reason) {
  return Error{kind, std::move(file), std::move(tensor), std::move(reason)};
}

}  // namespace aq
