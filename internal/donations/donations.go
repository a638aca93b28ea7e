package donations

import (
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("donations", templates, funcs) }

// funcs are the templates' own functions: money writes cents the way the
// language does ("1 234,56 €", "€1,234.56").
func funcs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{"money": func(cents int64) string { return Euros(p.Lang, cents) }}
}

// Euros writes an amount in cents for reading in lang.
func Euros(lang string, cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	whole := fmt.Sprint(cents / 100)
	sep, dec := "\u202f", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	s := fmt.Sprintf("%s%s%s%02d", sign, b.String(), dec, cents%100)
	if lang == "en" {
		return "€" + s
	}
	return s + "\u00a0€"
}

// Methods are the ways money comes (catalog keys "donations.method.CODE").
var Methods = []string{"transfer", "cheque", "card", "cash", "direct_debit", "helloasso"}

// Kinds are what a gift is (catalog keys "donations.kind.CODE").
var Kinds = []string{Money, InKind, Skills}

// Handlers serve the staff's donor pages.
type Handlers struct {
	web.Deps
	Outbox  *messages.Outbox // the receipts' emails
	BaseURL string           // for the links in them
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
