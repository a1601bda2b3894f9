#include "util/result.h"

namespace aq {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::BadInput: return "bad input";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Io: return "I/O error";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Internal: return "internal error";
  }
  return "error";
}

std::string Error::message() const {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!tensor.empty()) out += "tensor '" + tensor + "': ";
  out += reason;
  return out;
}

Error make_error(ErrorKind kind, std::string file, std::string tensor, std::string reason) {
  return Error{kind, std::move(file), std::move(tensor), std::move(reason)};
}

}  // namespace aq
