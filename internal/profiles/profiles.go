// Package profiles is a learner's profile for recruiters: the consent that
// gates it (which text, when, recorded by whom; withdrawn at once), the fields
// the person chose to show, an optional CV, the view a company gets, and the
// matching of consenting learners with a job's criteria. Companies and their
// offers are package jobs'; it asks Visible before showing anyone and calls
// Match with an offer's Criteria.
//
// A profile never carries the person's situation, nationality, notes, or
// contact details: the phone and email come only with the "put in touch"
// consent. What matching reads is a summary per consenting learner
// (recruiter_profiles, with skills and courses beside it), refreshed whenever
// the file, a positioning test, an enrolment or a consent changes.
package profiles

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"tremplin/internal/platform/i18n"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("profiles", templates, funcs) }

func funcs(p i18n.Printer) template.FuncMap {
	return template.FuncMap{
		"strs": func(s ...string) []string { return s },
		// reason says a matching reason in the page's language; its string
		// arguments with a dot are catalog keys (a competence, a time of day).
		"reason": func(r Reason) string {
			args := slices.Clone(r.Args)
			for i := 1; i < len(args); i += 2 {
				if s, ok := args[i].(string); ok && strings.Contains(s, ".") {
					args[i] = p.T(s)
				}
			}
			return p.T(r.Key, args...)
		},
	}
}

// Handlers serve the "Profil emploi" of the learner file, the recruiter's view
// preview, the CV and the matching page.
type Handlers struct {
	web.Deps
	// ForOffer, when set, tells the matching page about the offer its
	// ?offer= names (the jobs package's): where a person is proposed for it,
	// and the state of the application of those already proposed; ok is
	// false for an offer the viewer may not propose people to.
	ForOffer func(r *http.Request, offerID int64) (o MatchOffer, ok bool, err error)
}

// MatchOffer is the offer the matching page proposes people to: a button on
// each person not yet proposed, their application's state on the others.
type MatchOffer struct {
	Title, Company string
	Link           string           // the offer's page
	Action         string           // where the button posts ("learner" is the person)
	Proposed       map[int64]string // the state of each proposed person's application (a jobs.app.state key's end)
}

// Consent levels: the profile shown to recruiters, and being put in touch
// (the phone and email shown too).
const (
	LevelProfile = "profile"
	LevelContact = "contact"
)

// Hows are the ways a person tells staff they agree or withdraw.
var Hows = []string{"in_person", "phone", "paper", "message"}

// MaxCVBytes is the largest CV accepted.
const MaxCVBytes = 2 << 20

// Visible reports whether learnerID's profile may be shown to recruiters now:
// the profile consent is in force (and the file was not merged into
// another). A withdrawal makes it false in the same transaction as it is
// recorded.
func Visible(ctx context.Context, q db.Execer, learnerID int64) bool {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM recruiter_profiles WHERE learner_id = $1 AND "+VisibleSQL("$1"), learnerID).Scan(&n)
	return err == nil && n == 1
}

// VisibleSQL is the SQL condition that the learner in column (a learner id,
// or a placeholder) shows a profile to recruiters, for the jobs package's
// lists.
func VisibleSQL(column string) string {
	return "EXISTS (SELECT 1 FROM recruiter_profiles rp_v JOIN learners l_v ON l_v.id = rp_v.learner_id WHERE rp_v.learner_id = " + column +
		" AND rp_v.shown AND l_v.merged_into IS NULL)"
}

// Reachable reports whether recruiters may see learnerID's phone and email:
// both consents are in force.
func Reachable(ctx context.Context, q db.Execer, learnerID int64) bool {
	var shown, contact bool
	err := q.QueryRowContext(ctx, "SELECT shown, contact FROM recruiter_profiles WHERE learner_id = $1", learnerID).Scan(&shown, &contact)
	return err == nil && shown && contact
}
