#include "server/dav/conditional.h"

#include <chrono>

#include <gtest/gtest.h>

#include "server/dav/http_date.h"

namespace dav {
namespace {

constexpr bool kGet = true;
constexpr bool kPut = false;

// Sun, 06 Nov 1994 08:49:37 GMT, plus a quarter second: stored times have
// microseconds, HTTP dates do not.
const base::Timestamp kModified = base::FromMicros(784111777LL * 1'000'000 + 250'000);
const std::string kModifiedDate = "Sun, 06 Nov 1994 08:49:37 GMT";
const std::string kSecondBefore = "Sun, 06 Nov 1994 08:49:36 GMT";
const std::string kSecondAfter = "Sun, 06 Nov 1994 08:49:38 GMT";

Validators Existing() { return Validators{true, "abc123", kModified}; }
Validators Missing() { return Validators{}; }

ConditionalHeaders IfMatch(std::string value) {
  ConditionalHeaders headers;
  headers.if_match = std::move(value);
  return headers;
}
ConditionalHeaders IfNoneMatch(std::string value) {
  ConditionalHeaders headers;
  headers.if_none_match = std::move(value);
  return headers;
}
ConditionalHeaders IfModifiedSince(std::string value) {
  ConditionalHeaders headers;
  headers.if_modified_since = std::move(value);
  return headers;
}
ConditionalHeaders IfUnmodifiedSince(std::string value) {
  ConditionalHeaders headers;
  headers.if_unmodified_since = std::move(value);
  return headers;
}

TEST(EvaluatePreconditionsTest, NoHeadersProceed) {
  EXPECT_EQ(EvaluatePreconditions({}, Existing(), kGet), Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions({}, Missing(), kPut), Precondition::kProceed);
}

// --- If-Match (RFC 7232 §3.1) ---

TEST(EvaluatePreconditionsTest, IfMatchStarNeedsAnExistingResource) {
  EXPECT_EQ(EvaluatePreconditions(IfMatch("*"), Existing(), kPut), Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfMatch("*"), Missing(), kPut), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfMatchListedTag) {
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"abc123\""), Existing(), kPut), Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"zzz\", \"abc123\""), Existing(), kPut),
            Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"zzz\""), Existing(), kPut), Precondition::kFailed);
  // If-Match fails with 412 for GET too (it is not a cache validator).
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"zzz\""), Existing(), kGet), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfMatchUsesStrongComparison) {
  EXPECT_EQ(EvaluatePreconditions(IfMatch("W/\"abc123\""), Existing(), kPut),
            Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfMatchOnMissingResourceFails) {
  Validators missing_with_stale_etag{false, "abc123", kModified};
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"abc123\""), missing_with_stale_etag, kPut),
            Precondition::kFailed);
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"abc123\""), Missing(), kPut), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfMatchAgainstResourceWithoutEtag) {
  Validators no_etag{true, "", kModified};
  EXPECT_EQ(EvaluatePreconditions(IfMatch("\"\""), no_etag, kPut), Precondition::kFailed);
  EXPECT_EQ(EvaluatePreconditions(IfMatch("*"), no_etag, kPut), Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, MalformedIfMatchFailsRatherThanProceeds) {
  for (std::string value : {"abc123", "", "\"abc123", "*, \"abc123\"", "\"abc123\" junk"}) {
    EXPECT_EQ(EvaluatePreconditions(IfMatch(value), Existing(), kPut), Precondition::kFailed)
        << value;
  }
}

// --- If-Unmodified-Since (§3.4) ---

TEST(EvaluatePreconditionsTest, IfUnmodifiedSince) {
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kSecondAfter), Existing(), kPut),
            Precondition::kProceed);
  // Same second as the (sub-second) modification time: not modified since.
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kModifiedDate), Existing(), kPut),
            Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kSecondBefore), Existing(), kPut),
            Precondition::kFailed);
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kSecondBefore), Existing(), kGet),
            Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfUnmodifiedSinceIgnoredWhenInvalidOrNothingToCompare) {
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince("yesterday"), Existing(), kPut),
            Precondition::kProceed);
  Validators no_time{true, "abc123", std::nullopt};
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kSecondBefore), no_time, kPut),
            Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(kSecondBefore), Missing(), kPut),
            Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, IfUnmodifiedSinceIgnoredWhenIfMatchPresent) {
  ConditionalHeaders headers = IfMatch("\"abc123\"");
  headers.if_unmodified_since = kSecondBefore;
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kPut), Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, IfUnmodifiedSinceAcceptsObsoleteDateForms) {
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince("Sun Nov  6 08:49:36 1994"), Existing(), kPut),
            Precondition::kFailed);
}

// --- If-None-Match (§3.2) ---

TEST(EvaluatePreconditionsTest, IfNoneMatchStar) {
  // Create-only PUT (RFC 4791 §5.3.2 clients use this to avoid overwrites).
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("*"), Missing(), kPut), Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("*"), Existing(), kPut), Precondition::kFailed);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("*"), Existing(), kGet), Precondition::kNotModified);
}

TEST(EvaluatePreconditionsTest, IfNoneMatchUsesWeakComparison) {
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("W/\"abc123\""), Existing(), kGet),
            Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("\"x\", \"abc123\""), Existing(), kGet),
            Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("\"abc123\""), Existing(), kPut),
            Precondition::kFailed);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("\"other\""), Existing(), kGet),
            Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("\"abc123\""), Missing(), kPut),
            Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, MalformedIfNoneMatch) {
  // Ignored for GET: a full response is always correct; a 304 is not.
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("abc123"), Existing(), kGet), Precondition::kProceed);
  // A guarded write is not performed.
  EXPECT_EQ(EvaluatePreconditions(IfNoneMatch("abc123"), Missing(), kPut), Precondition::kFailed);
}

// --- If-Modified-Since (§3.3) ---

TEST(EvaluatePreconditionsTest, IfModifiedSince) {
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kModifiedDate), Existing(), kGet),
            Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kSecondAfter), Existing(), kGet),
            Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kSecondBefore), Existing(), kGet),
            Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, IfModifiedSinceOnlyForGetAndHead) {
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kModifiedDate), Existing(), kPut),
            Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, IfModifiedSinceIgnoredWhenInvalidOrNothingToCompare) {
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince("not a date"), Existing(), kGet),
            Precondition::kProceed);
  Validators no_time{true, "abc123", std::nullopt};
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kModifiedDate), no_time, kGet),
            Precondition::kProceed);
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(kModifiedDate), Missing(), kGet),
            Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, IfModifiedSinceIgnoredWhenIfNoneMatchPresent) {
  ConditionalHeaders headers = IfNoneMatch("\"other\"");
  headers.if_modified_since = kSecondAfter;
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kGet), Precondition::kProceed);
}

TEST(EvaluatePreconditionsTest, FormattedLastModifiedRoundTrips) {
  // A client echoes the Last-Modified we sent; it must compare as unchanged.
  const std::string last_modified = FormatHttpDate(kModified);
  EXPECT_EQ(EvaluatePreconditions(IfModifiedSince(last_modified), Existing(), kGet),
            Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(IfUnmodifiedSince(last_modified), Existing(), kPut),
            Precondition::kProceed);
}

// --- Order of evaluation (§6) ---

TEST(EvaluatePreconditionsTest, IfMatchIsEvaluatedBeforeIfNoneMatch) {
  ConditionalHeaders headers = IfMatch("\"zzz\"");
  headers.if_none_match = "\"abc123\"";
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kGet), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, IfUnmodifiedSinceIsEvaluatedBeforeIfNoneMatch) {
  ConditionalHeaders headers = IfUnmodifiedSince(kSecondBefore);
  headers.if_none_match = "\"abc123\"";
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kGet), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, PassingIfMatchThenFailingIfNoneMatch) {
  ConditionalHeaders headers = IfMatch("\"abc123\"");
  headers.if_none_match = "\"abc123\"";
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kGet), Precondition::kNotModified);
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kPut), Precondition::kFailed);
}

TEST(EvaluatePreconditionsTest, AllFourPassing) {
  ConditionalHeaders headers;
  headers.if_match = "\"abc123\"";
  headers.if_unmodified_since = kSecondBefore;  // ignored: If-Match present
  headers.if_none_match = "\"other\"";
  headers.if_modified_since = kSecondAfter;  // ignored: If-None-Match present
  EXPECT_EQ(EvaluatePreconditions(headers, Existing(), kGet), Precondition::kProceed);
}

}  // namespace
}  // namespace dav
