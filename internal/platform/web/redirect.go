package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// LocalPath returns target when it is a plain path on this site, "" otherwise.
// Every redirect whose target comes from the request (a next or back parameter)
// goes through it, so that no link to Tremplin can send someone elsewhere.
//
// Browsers do not read a Location the way Go parses it: they drop tabs and new
// lines anywhere and read a backslash as a slash, so "/\t/evil.example" and
// "/\evil.example" both lead to evil.example. A target is therefore refused when,
// as given or percent-decoded (repeatedly), it holds a control character or a
// backslash, starts with "//", or names a scheme, a host or a user.
func LocalPath(target string) string {
	if target == "" || len(target) > 2000 || target[0] != '/' {
		return ""
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	s := target
	for range 4 {
		if strings.HasPrefix(s, "//") || strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
			return ""
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			// Nothing more to decode (a lone "%" is a character, not an escape).
			return target
		}
		s = d
	}
	return "" // encoded more times than any honest link
}

// ClientAddress is the address a request came from (the proxy's X-Forwarded-For
// entry once ForwardedFor has run), without the port: what per-address limits count.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
