// Package i18n holds the interface's words in French, English and Arabic, chooses a
// language for each request, and applies each language's plural rules. The catalogs
// are flat JSON files embedded in the binary: a key maps either to a string or, for
// words that depend on a number, to one string per plural category.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Languages are the interface languages, French first: it is the default.
var Languages = []string{"fr", "en", "ar"}

// Default is the language used when nothing else decides.
const Default = "fr"

//go:embed catalogs
var files embed.FS

// Message is one catalog entry: Text, or Plural forms by CLDR category.
type Message struct {
	Text   string
	Plural map[string]string
}

func (m *Message) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &m.Text)
	}
	return json.Unmarshal(b, &m.Plural)
}

// Catalogs maps language → key → message.
type Catalogs map[string]map[string]Message

var all Catalogs

func init() {
	var err error
	all, err = load()
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build error
	}
}

// load reads every catalogs/LANG.json and catalogs/LANG.PACKAGE.json: each package keeps
// its words in files of its own, merged here; a key defined twice is an error.
func load() (Catalogs, error) {
	c := Catalogs{}
	for _, lang := range Languages {
		names, err := fs.Glob(files, "catalogs/"+lang+".*json")
		if err != nil {
			return nil, err
		}
		base := "catalogs/" + lang + ".json"
		if !slices.Contains(names, base) {
			names = append(names, base)
		}
		c[lang] = map[string]Message{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			m := map[string]Message{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", name, err)
			}
			for k, v := range m {
				if _, dup := c[lang][k]; dup {
					return nil, fmt.Errorf("catalog %s: key %q is defined twice", name, k)
				}
				c[lang][k] = v
			}
		}
	}
	return c, nil
}

// All returns the loaded catalogs (for tests and tools).
func All() Catalogs { return all }

// Keys lists the keys of a language's catalog, sorted.
func (c Catalogs) Keys(lang string) []string {
	keys := make([]string, 0, len(c[lang]))
	for k := range c[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Supported reports whether lang is one of the interface languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Printer translates into one language.
type Printer struct{ Lang string }

// For returns the printer of lang, or of the default language.
func For(lang string) Printer {
	if !Supported(lang) {
		lang = Default
	}
	return Printer{Lang: lang}
}

// Dir is the writing direction of the language, for the dir attribute.
func (p Printer) Dir() string {
	if p.Lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// T translates key, replacing {name} placeholders by the following name, value pairs.
// An unknown key shows as itself, so a missing word is visible rather than blank; a
// test keeps that from shipping.
func (p Printer) T(key string, args ...any) string {
	m, ok := all[p.Lang][key]
	if !ok {
		return key
	}
	text := m.Text
	if m.Plural != nil {
		text = m.Plural["other"]
	}
	return fill(text, args)
}

// N translates a key whose words depend on n, which also fills {n}.
func (p Printer) N(key string, n int, args ...any) string {
	m, ok := all[p.Lang][key]
	if !ok {
		return key
	}
	text := m.Text
	if m.Plural != nil {
		var found bool
		if text, found = m.Plural[PluralCategory(p.Lang, n)]; !found {
			text = m.Plural["other"]
		}
	}
	return fill(text, append([]any{"n", n}, args...))
}

// Fill replaces the {name} placeholders of text by the following name, value
// pairs, as T does: for texts that staff wrote (message templates).
func Fill(text string, args ...any) string { return fill(text, args) }

func fill(text string, args []any) string {
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// PluralCategory returns the CLDR plural category of the integer n in lang.
func PluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "fr":
		// French: 0 and 1 are singular ("0 lieu", "1 lieu").
		if n <= 1 {
			return "one"
		}
		return "other"
	case "ar":
		switch m := n % 100; {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11:
			return "many"
		}
		return "other"
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// Categories lists the plural categories a language's plural messages must give.
func Categories(lang string) []string {
	switch lang {
	case "ar":
		return []string{"zero", "one", "two", "few", "many", "other"}
	default:
		return []string{"one", "other"}
	}
}

// Match picks the best interface language from an Accept-Language header.
func Match(header string) string {
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	if best == "" {
		return Default
	}
	return best
}

type ctxKey struct{}

// WithLang stores the request's language in ctx.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns the printer for the request's language.
func FromContext(ctx context.Context) Printer {
	lang, _ := ctx.Value(ctxKey{}).(string)
	return For(lang)
}
