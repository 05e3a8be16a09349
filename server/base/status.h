// Expected outcomes as values (leveldb status.h). A Status names what went
// wrong in protocol terms; server/dav maps each code to an HTTP status and,
// where the RFC defines one, a precondition element, in one table.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace base {

enum class Code {
  kOk,
  kBadRequest,
  kUnauthorized,
  kForbidden,
  kNotFound,
  kMethodNotAllowed,
  kConflict,
  kPreconditionFailed,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kUnprocessable,
  kLocked,
  kFailedDependency,
  kTooManyRequests,
  kInsufficientStorage,
  kNotImplemented,
  kBadGateway,
  kUnavailable,
  kInternal,
};

// A condition element qualifies an error: RFC 4918 §16 and RFC 4791 §5.3.2
// preconditions such as {DAV:}lock-token-submitted or {CALDAV}no-uid-conflict.
struct Condition {
  std::string ns;
  std::string name;
  std::string inner_xml;  // optional content, already serialised (e.g. <D:href>…</D:href>)
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Status(Code code, std::string message, Condition condition)
      : code_(code), message_(std::move(message)), condition_(std::move(condition)),
        has_condition_(true) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool has_condition() const { return has_condition_; }
  const Condition& condition() const { return condition_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  Condition condition_;
  bool has_condition_ = false;
};

// A value or the Status that explains its absence.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace base
