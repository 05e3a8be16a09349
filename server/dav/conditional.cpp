#include "server/dav/conditional.h"

#include <chrono>

#include "server/dav/etag.h"
#include "server/dav/http_date.h"

namespace dav {
namespace {

using Seconds = std::chrono::sys_seconds;

// HTTP-date has one-second resolution (RFC 7231 §7.1.1.1); floor so that the
// stored time and the Last-Modified we sent for it compare equal.
Seconds ToWholeSeconds(base::Timestamp time) {
  return std::chrono::floor<std::chrono::seconds>(time);
}

// Whether the current ETag is among the listed tags. A resource without an
// ETag (or without a representation) matches no listed tag.
template <typename Compare>
bool AnyTagMatches(const EntityTagList& list, const Validators& validators, Compare compare) {
  if (!validators.exists || validators.etag.empty()) return false;
  const EntityTag current = StoredEntityTag(validators.etag);
  for (const EntityTag& tag : list.tags) {
    if (compare(tag, current)) return true;
  }
  return false;
}

// The modification time to compare with a date header, or std::nullopt when
// the header is to be ignored (invalid date, nothing to compare with).
struct DatePair {
  Seconds modified;
  Seconds date;
};
std::optional<DatePair> DatesToCompare(const std::string& header, const Validators& validators) {
  if (!validators.exists || !validators.last_modified) return std::nullopt;
  std::optional<base::Timestamp> date = ParseHttpDate(header);
  if (!date) return std::nullopt;
  return DatePair{ToWholeSeconds(*validators.last_modified), ToWholeSeconds(*date)};
}

// RFC 7232 §3.1.
bool IfMatchIsTrue(const std::string& header, const Validators& validators) {
  std::optional<EntityTagList> list = ParseEntityTagList(header);
  if (!list) return false;
  if (list->any) return validators.exists;
  return AnyTagMatches(*list, validators, StrongMatch);
}

// RFC 7232 §3.2; std::nullopt when the value is malformed.
std::optional<bool> IfNoneMatchIsTrue(const std::string& header, const Validators& validators) {
  std::optional<EntityTagList> list = ParseEntityTagList(header);
  if (!list) return std::nullopt;
  if (list->any) return !validators.exists;
  return !AnyTagMatches(*list, validators, WeakMatch);
}

}  // namespace

Precondition EvaluatePreconditions(const ConditionalHeaders& headers, const Validators& validators,
                                   bool is_get_or_head) {
  // Step 1 / step 2: If-Match, or If-Unmodified-Since when If-Match is absent.
  if (headers.if_match) {
    if (!IfMatchIsTrue(*headers.if_match, validators)) return Precondition::kFailed;
  } else if (headers.if_unmodified_since) {
    std::optional<DatePair> dates = DatesToCompare(*headers.if_unmodified_since, validators);
    if (dates && dates->modified > dates->date) return Precondition::kFailed;
  }

  // Step 3 / step 4: If-None-Match, or If-Modified-Since when it is absent.
  if (headers.if_none_match) {
    std::optional<bool> condition = IfNoneMatchIsTrue(*headers.if_none_match, validators);
    if (!condition) {  // malformed: see the decision in conditional.h
      return is_get_or_head ? Precondition::kProceed : Precondition::kFailed;
    }
    if (!*condition) return is_get_or_head ? Precondition::kNotModified : Precondition::kFailed;
  } else if (headers.if_modified_since && is_get_or_head) {
    std::optional<DatePair> dates = DatesToCompare(*headers.if_modified_since, validators);
    if (dates && dates->modified <= dates->date) return Precondition::kNotModified;
  }

  // Step 5 (If-Range) only concerns Range requests and belongs to GET.
  return Precondition::kProceed;
}

}  // namespace dav
