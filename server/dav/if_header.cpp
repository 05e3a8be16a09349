#include "server/dav/if_header.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "server/base/strings.h"
#include "server/dav/etag.h"

namespace dav {
namespace {

base::Status SyntaxError(std::string message) {
  return base::Status(base::Code::kBadRequest, "If header: " + std::move(message));
}

// LWS between the productions (RFC 2616 §2.1 implied *LWS); CR and LF are
// accepted too in case a folded line reaches us unfolded.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters allowed inside <…>: visible US-ASCII and obs-text except the
// brackets themselves. Real URIs are stricter; the comparison decides.
bool IsUriChar(char c) {
  const unsigned char byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte != 0x7F && c != '<' && c != '>';
}

// A hand-written parser for the §10.4.2 grammar. The nesting is fixed
// (header > group > list > condition), so each level is a loop and nothing
// recurses: no input can exhaust the stack. `pos_` only moves forward and
// every read is bounds-checked, so no input can read out of bounds either.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  base::Result<IfHeader> Parse() {
    SkipSpace();
    if (AtEnd()) return SyntaxError("empty");
    IfHeader header;
    if (Peek() == '(') {
      // 1*No-tag-list: all untagged lists go into one group.
      IfGroup group;
      while (!AtEnd()) {
        if (Peek() != '(') {
          return SyntaxError(Peek() == '<' ? "tagged and untagged lists mixed" : "expected a list");
        }
        if (base::Status status = ParseList(group); !status.ok()) return status;
        SkipSpace();
      }
      header.groups.push_back(std::move(group));
      return header;
    }
    // 1*Tagged-list
    while (!AtEnd()) {
      if (Peek() != '<') {
        return SyntaxError(Peek() == '(' ? "tagged and untagged lists mixed"
                                         : "expected a resource tag or a list");
      }
      IfGroup group;
      base::Result<std::string> tag = ParseAngle("resource tag");
      if (!tag.ok()) return tag.status();
      group.resource_tag = std::move(tag).value();
      SkipSpace();
      if (AtEnd() || Peek() != '(') return SyntaxError("resource tag without a list");
      while (!AtEnd() && Peek() == '(') {
        if (base::Status status = ParseList(group); !status.ok()) return status;
        SkipSpace();
      }
      header.groups.push_back(std::move(group));
    }
    return header;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }  // REQUIRES: !AtEnd()
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // List = "(" 1*Condition ")"
  base::Status ParseList(IfGroup& group) {
    ++pos_;  // "(", checked by the caller
    IfList list;
    while (true) {
      SkipSpace();
      if (AtEnd()) return SyntaxError("unterminated list");
      if (Peek() == ')') break;
      base::Result<IfCondition> condition = ParseCondition();
      if (!condition.ok()) return condition.status();
      list.conditions.push_back(std::move(condition).value());
    }
    ++pos_;  // ")"
    if (list.conditions.empty()) return SyntaxError("empty list");
    group.lists.push_back(std::move(list));
    return base::Status::Ok();
  }

  // Condition = ["Not"] (State-token | "[" entity-tag "]")
  base::Result<IfCondition> ParseCondition() {
    IfCondition condition;
    if (base::AsciiIStartsWith(text_.substr(pos_), "Not")) {
      condition.negated = true;
      pos_ += 3;
      SkipSpace();
      if (AtEnd()) return SyntaxError("\"Not\" without a condition");
    }
    if (Peek() == '<') {
      base::Result<std::string> token = ParseAngle("state token");
      if (!token.ok()) return token.status();
      condition.value = std::move(token).value();
      return condition;
    }
    if (Peek() == '[') {
      // No LWS between "[", entity-tag and "]" (§10.4.2).
      std::string_view rest = text_.substr(pos_ + 1);
      const size_t tag_size = rest.size();
      if (!ConsumeEntityTag(rest)) return SyntaxError("malformed entity-tag");
      const size_t consumed = tag_size - rest.size();
      if (rest.empty() || rest.front() != ']') return SyntaxError("entity-tag without \"]\"");
      condition.is_etag = true;
      condition.value = std::string(text_.substr(pos_ + 1, consumed));
      pos_ += 1 + consumed + 1;
      return condition;
    }
    return SyntaxError("expected <state-token> or [entity-tag]");
  }

  // "<" 1*uri-char ">" for State-token (Coded-URL) and Resource-Tag; no LWS
  // inside (§10.4.2).
  base::Result<std::string> ParseAngle(const char* what) {
    ++pos_;  // "<", checked by the caller
    const size_t start = pos_;
    while (!AtEnd() && IsUriChar(Peek())) ++pos_;
    if (AtEnd() || Peek() != '>') return SyntaxError(std::string("unterminated ") + what);
    if (pos_ == start) return SyntaxError(std::string("empty ") + what);
    std::string value(text_.substr(start, pos_ - start));
    ++pos_;  // ">"
    return value;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool ConditionMatches(const IfCondition& condition, const IfResourceState& state) {
  if (condition.is_etag) {
    // §10.4.4 allows weak or strong comparison; strong, like If-Match, since
    // the If header guards writes. Unmapped URLs have no entity (§10.4.11).
    if (!state.exists || state.etag.empty()) return false;
    std::optional<EntityTag> tag = ParseEntityTag(condition.value);
    return tag && StrongMatch(*tag, StoredEntityTag(state.etag));
  }
  if (condition.value == kNoLockToken) return false;
  return std::find(state.lock_tokens.begin(), state.lock_tokens.end(), condition.value) !=
         state.lock_tokens.end();
}

bool ListIsTrue(const IfList& list, const IfResourceState& state) {
  return std::all_of(list.conditions.begin(), list.conditions.end(),
                     [&state](const IfCondition& condition) {
                       return ConditionMatches(condition, state) != condition.negated;
                     });
}

}  // namespace

base::Result<IfHeader> ParseIfHeader(std::string_view value) { return Parser(value).Parse(); }

std::vector<std::string> SubmittedTokens(const IfHeader& header) {
  std::vector<std::string> tokens;
  std::unordered_set<std::string_view> seen;  // views into `header`
  for (const IfGroup& group : header.groups) {
    for (const IfList& list : group.lists) {
      for (const IfCondition& condition : list.conditions) {
        if (!condition.is_etag && seen.insert(condition.value).second) {
          tokens.push_back(condition.value);
        }
      }
    }
  }
  return tokens;
}

bool EvaluateIfHeader(const IfHeader& header, const IfStateLookup& state_of) {
  for (const IfGroup& group : header.groups) {
    std::optional<IfResourceState> state = state_of(group.resource_tag);
    if (!state) continue;  // not a resource of ours: this group is false
    for (const IfList& list : group.lists) {
      if (ListIsTrue(list, *state)) return true;
    }
  }
  return false;
}

}  // namespace dav
