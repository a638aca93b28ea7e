// Package partners is the association's work with the social-insertion actors who
// send it people: the directory of partner organisations and their contacts, the
// advisers' outreach log, referrals of people and groups and their states, the
// partner space (one-time link sign-in), group imports and per-partner figures.
package partners

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
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("partners", templates, nil) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
	Auth *auth.Service
	Mail notify.Mailer // sign-in links, at once
	// Outbox queues the emails that tell referring contacts about their people
	// (tell.go).
	Outbox  *messages.Outbox
	BaseURL string
	// Now is the clock of those emails (time.Now when nil).
	Now func() time.Time
	// Counters, when set, brings the impact counters up to date before the
	// figures per partner are read from them (the impact package's, wired in
	// internal/app); false while they are first built.
	Counters func(ctx context.Context) (ready bool, err error)
}

// Kinds of partner organisations (DOMAIN.md, after the national inclusion-jobs
// platform's list); the words are in the catalogs under partner.kind.
var Kinds = []string{"afpa", "ase", "cada", "caf", "cap_emploi", "ccas", "chrs", "chu", "cidff", "cph", "e2c", "epide",
	"france_travail", "huda", "mission_locale", "pij_bij", "plie", "residence_sociale", "cd_social", "spip",
	"social_centre", "migrants_association", "other"}

// Stages of the outreach to an organisation.
var Stages = []string{"to_contact", "contacted", "meeting", "active", "inactive"}

// InteractionKinds are the ways advisers reach an organisation.
var InteractionKinds = []string{"call", "email", "meeting", "info_session"}

// States of a referred person (DOMAIN.md): sent → received → contacted →
// positioned → enrolled | waitlisted | unreachable | declined (reason) | oriented
// elsewhere; then, once enrolled, completed or dropped, which partners ask for too;
// and withdrawn by the partner at any point, after which the referral no longer
// follows the person's file.
const (
	Sent        = "sent"
	Received    = "received"
	Contacted   = "contacted"
	Positioned  = "positioned"
	Enrolled    = "enrolled"
	Waitlisted  = "waitlisted"
	Unreachable = "unreachable"
	Declined    = "declined"
	Oriented    = "oriented"
	Completed   = "completed"
	Dropped     = "dropped"
	Withdrawn   = "withdrawn" // by the partner, with a reason; the file is kept
)

// States lists the referral states in path order.
var States = []string{Sent, Received, Contacted, Positioned, Enrolled, Waitlisted, Unreachable, Declined, Oriented, Completed, Dropped, Withdrawn}

// DeclineReasons are the reasons a referral is declined: codes, so that a partner
// reads why without reading a staff member's notes.
var DeclineReasons = []string{"person_declined", "not_eligible", "not_available", "other"}

// ErrEmailTaken is returned when another contact already has the email confirmed.
var ErrEmailTaken = errors.New("contact email already used")

const partnerKey = "partner_contact_id"

// IsPartner reports whether the request comes from a signed-in, active partner
// contact: the access check of every partner-space route.
func (h *Handlers) IsPartner(r *http.Request) bool {
	c, err := h.currentContact(r.Context())
	return err == nil && c != nil
}

// Policy is the access policy of the partner space's routes.
func (h *Handlers) Policy() auth.Policy {
	return auth.Custom("partner", "/partner/login", h.IsPartner)
}

// SignedInContact is the id of the partner's contact signed in to the partner
// space, 0 for none: who the audit names for the space's reads.
func (h *Handlers) SignedInContact(r *http.Request) int64 {
	c, err := h.currentContact(r.Context())
	if err != nil || c == nil {
		return 0
	}
	return c.ID
}

// currentContact is the signed-in partner contact, nil when none (or no longer
// active, or left without a confirmed address).
func (h *Handlers) currentContact(ctx context.Context) (*Contact, error) {
	id := h.Auth.Sessions.GetInt64(ctx, partnerKey)
	if id == 0 {
		return nil, nil
	}
	c, err := ContactByID(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (!c.Active || c.Email == "")) {
		return nil, nil
	}
	return c, err
}
