#pragma once
// Expected failures as values: an Error names the file, the tensor and the reason.
// No exception crosses the core's public API.
#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace aq {

enum class ErrorKind {
  BadInput,     // the input file is malformed or inconsistent
  Unsupported,  // well-formed but something we do not handle (dtype, dataset class, ...)
  Io,           // the operating system refused (open, read, write, disk full, rename)
  Cancelled,    // the user cancelled
  Internal,     // a bug: an invariant did not hold
  BadArgument,  // the command itself cannot be carried out as asked (an output that is an input, ...)
};

std::string_view error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string file;    // the file concerned, empty if none
  std::string tensor;  // the tensor concerned, empty if none
  std::string reason;  // what went wrong, in words a user understands

  /// "FILE: tensor 'NAME': REASON" (parts that are empty are left out).
  std::string message() const;
};

Error make_error(ErrorKind kind, std::string file, std::string tensor, std::string reason);

/// Either a value or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Success or an Error, for operations that return nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace aq
