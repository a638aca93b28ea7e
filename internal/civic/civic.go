// Package civic is the association's civic service (service civique): the
// approvals (agrément) and their quota of posts, the mission offers published on
// the public site, young people's applications without an account and their
// interviews, the contracts of those accepted (checked against the law's limits
// and the approval's quota), the obligations each contract brings with their
// due dates, the monthly indemnity from dated amounts and the end-of-mission
// certificate.
package civic

import (
	"embed"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("civic", templates, funcs) }

// funcs are the templates' own functions: euros writes an amount in cents the
// way the language does ("504,98 €", "€504.98").
func funcs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{"euros": func(cents int) string {
		sep := ","
		if p.Lang == "en" {
			sep = "."
		}
		return p.T("civic.euros", "amount", strconv.Itoa(cents/100)+sep+fmt.Sprintf("%02d", cents%100))
	}}
}

// Handlers serve the civic-service pages.
type Handlers struct {
	web.Deps
	Outbox  *messages.Outbox
	BaseURL string
	// ApplyLimit is the applications accepted per address and hour (0: 30).
	ApplyLimit int
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Domains are the official domains of civic-service missions (catalog keys
// "civic.domain.CODE").
var Domains = []string{"solidarity", "education", "culture", "sport", "environment", "memory", "international", "emergency", "health"}

// Remote says whether a mission can be done from home.
var Remote = []string{"no", "possible", "full"}

// OfferStates are an offer's states: only published offers are public.
var OfferStates = []string{"draft", "published", "closed"}

// Heard are the codes of how an applicant heard of the offer.
var Heard = []string{"friend", "school", "mission_locale", "social_media", "national_site", "event", "other"}

// DeclineReasons are the coded reasons for declining an application.
var DeclineReasons = []string{"not_eligible", "no_place", "unavailable", "incompatible", "did_not_come", "other"}

// ObligationKinds are what a contract obliges (catalog keys "civic.obligation.KIND").
var ObligationKinds = []string{"theory", "psc1", "tutor_meeting", "future_plans", "review", "certificate"}

// next lists where an application may go from each state.
var next = map[string][]string{
	"new":       {"interview", "declined", "withdrawn"},
	"interview": {"accepted", "declined", "withdrawn"},
}

// CanMove reports whether an application may go from one state to another.
func CanMove(from, to string) bool {
	for _, s := range next[from] {
		if s == to {
			return true
		}
	}
	return false
}
