// Package jobs is the recruitment side of the association's work with
// companies: the companies among the donors (organisations) give some of their
// contacts access to a company space, signed in by one-time emailed link, where
// these recruiters post the company's job offers in France Travail's terms (ROME
// code, contract type, commune's INSEE code); staff who follow donors post
// offers for a company too and see every offer of their antennas' companies.
// Applications and matching come on top of the offers.
package jobs

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("jobs", templates, nil) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
	Auth *auth.Service
	// Mail sends sign-in links at once, like the partner space's.
	Mail    notify.Mailer
	BaseURL string
	// Now is the clock (time.Now when nil): today's date for start dates.
	Now func() time.Time
	// Outbox queues the news of applications to the person and the adviser.
	Outbox *messages.Outbox
	// Profiles renders the recruiter's view of a proposed person.
	Profiles *profiles.Handlers
	// OnHire records an accepted hire as the person's situation (the
	// learners' follow-ups, which the dashboards count), from its first day.
	OnHire func(ctx context.Context, learnerID int64, situation, note string, starts time.Time) error
	// OnProfileRead audits a recruiter's read of a person's profile.
	OnProfileRead func(r *http.Request, recruiterID, learnerID int64)
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// States of an offer: open (recruiting), paused (not for now), filled (the
// positions are taken), closed (withdrawn for good).
const (
	Open   = "open"
	Paused = "paused"
	Filled = "filled"
	Closed = "closed"
)

// States lists the offer states in the order lists show them.
var States = []string{Open, Paused, Filled, Closed}

// transitions are the changes of state an offer may go through: a paused
// offer opens again, a filled one too when a hire falls through; a closed
// offer stays closed (post a new one).
var transitions = map[string][]string{
	Open:   {Paused, Filled, Closed},
	Paused: {Open, Filled, Closed},
	Filled: {Open, Closed},
	Closed: nil,
}

// Next lists the states an offer in state may move to.
func Next(state string) []string { return transitions[state] }

// Contracts are France Travail's contract types (typeContrat), in its order;
// their words are in the catalogs under jobs.contract.
var Contracts = []string{"CDI", "CDD", "MIS", "SAI", "CCE", "FRA", "LIB", "REP", "TTI", "DDI", "DIN"}

// Experience is what an offer asks: beginners welcome, experience desired,
// experience required (France Travail's D, S, E), the last two with months.
var Experience = []string{"beginner", "desired", "required"}

// ErrTransition is a change of state the offer's state does not allow.
var ErrTransition = errors.New("jobs: state change not allowed")

const recruiterKey = "company_recruiter_id"

// IsRecruiter reports whether the request comes from a signed-in recruiter
// whose access stands: the access check of every company-space route.
func (h *Handlers) IsRecruiter(r *http.Request) bool {
	rc, err := h.currentRecruiter(r.Context())
	return err == nil && rc != nil
}

// Policy is the access policy of the company space's routes.
func (h *Handlers) Policy() auth.Policy {
	return auth.Custom("company", "/company/login", h.IsRecruiter)
}

// currentRecruiter is the signed-in recruiter, nil when none (or whose access
// was taken back, or whose contact left or has no email).
func (h *Handlers) currentRecruiter(ctx context.Context) (*Recruiter, error) {
	id := h.Auth.Sessions.GetInt64(ctx, recruiterKey)
	if id == 0 {
		return nil, nil
	}
	rc, err := RecruiterByID(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	return rc, err
}

// recruiter loads the signed-in recruiter (the policy has checked there is one).
func (h *Handlers) recruiter(w http.ResponseWriter, r *http.Request) (*Recruiter, bool) {
	rc, err := h.currentRecruiter(r.Context())
	if err == nil && rc == nil {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return rc, true
}
