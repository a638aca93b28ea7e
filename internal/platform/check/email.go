package check

import (
	"net/mail"
	"strings"
	"unicode"
)

// Email checks an email address as people type it into a form or a spreadsheet,
// and gives it back as Tremplin stores and compares it: without the spaces around
// it and in lower case ("Rania.B@Example.ORG " → "rania.b@example.org").
// normalized is that form even when ok is false, so that a sign-in can look up
// what was typed without judging it.
//
// The rule is a bare address as net/mail reads it (RFC 5322), whose domain has a
// dot:
//   - accepted: a@b.co, jean.dupont+cours@gmail.com, o'brien@example.ie,
//     مريم@example.org, Rania@Example.ORG;
//   - refused: a display name or angle brackets ("Rania <r@example.org>",
//     "<r@example.org>"), a comment, a quoted local part, a space inside (a
//     no-break one too) or any unprintable character, two @, a dot at either end
//     of a part or two in a row (r..b@example.org, r@example..org), a comma, and
//     a domain without a dot (r@localhost).
//
// The public forms and the importer used to take "something@something.something"
// without spaces: every such address a mail server delivers to is still taken;
// what is refused besides (brackets, doubled dots, commas…) cannot receive mail.
// The staff form, which took dotless domains, now asks for a dot like the others:
// no mailbox we write to lacks one. Lengths are left to the forms (200 characters).
func Email(s string) (normalized string, ok bool) {
	normalized = strings.ToLower(strings.TrimSpace(s))
	for _, r := range normalized {
		if r == ' ' || !unicode.IsPrint(r) {
			return normalized, false
		}
	}
	a, err := mail.ParseAddress(normalized)
	if err != nil || a.Name != "" || a.Address != normalized {
		return normalized, false
	}
	domain := normalized[strings.LastIndexByte(normalized, '@')+1:]
	return normalized, strings.Contains(domain, ".")
}
