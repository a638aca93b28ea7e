// Package volunteers is the association's work with the people who give their
// time: public sign-up and validation, the volunteer's own space (one-time link
// sign-in), requirements with expiry, missions and their shifts (sign-up,
// waitlist, overlaps), hours given and their approval.
package volunteers

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"net/http"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("volunteers", templates, nil) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
	Auth    *auth.Service
	Outbox  *messages.Outbox
	BaseURL string
	// Now is the clock (tests move it); nil means time.Now.
	Now func() time.Time
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Skills are the codes of what a volunteer can do, in the order forms list them
// (catalog keys "volunteers.skill.CODE"). Missions require some of them.
var Skills = []string{"mentoring", "workshop", "repair", "interpreting", "admin", "events"}

// Languages are the languages a volunteer may say they speak, beyond French
// (catalog keys "volunteers.lang.CODE").
var Languages = []string{"en", "ar", "fa", "ps", "ti", "so", "uk", "ru", "es", "pt", "tr", "ro"}

// Volunteer is a person who gives time to an antenna.
type Volunteer struct {
	ID            int64
	AntennaID     int64
	FirstName     string
	LastName      string
	Phone         string
	Email         string
	Lang          string
	Availability  string
	State         string // pending, active, declined, left
	DeclineReason string
	CreatedAt     time.Time
	Skills        []string
	Languages     []string
}

// Get returns a volunteer with their skills and languages.
func Get(ctx context.Context, d *db.DB, id int64) (*Volunteer, error) {
	v := &Volunteer{ID: id}
	var created string
	err := d.QueryRowContext(ctx, `SELECT antenna_id, first_name, last_name, phone, email, lang, availability,
		state, decline_reason, created_at FROM volunteers WHERE id = $1`, id).
		Scan(&v.AntennaID, &v.FirstName, &v.LastName, &v.Phone, &v.Email, &v.Lang, &v.Availability,
			&v.State, &v.DeclineReason, &created)
	if err != nil {
		return nil, db.NotFound(err)
	}
	v.CreatedAt, _ = time.Parse(time.RFC3339, created)
	if v.Skills, err = db.Collect[string](d.QueryContext(ctx,
		"SELECT skill FROM volunteer_skills WHERE volunteer_id = $1 ORDER BY skill", id))(scanString); err != nil {
		return nil, err
	}
	if v.Languages, err = db.Collect[string](d.QueryContext(ctx,
		"SELECT lang FROM volunteer_languages WHERE volunteer_id = $1 ORDER BY lang", id))(scanString); err != nil {
		return nil, err
	}
	return v, nil
}

func scanString(s db.Scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

// sessionKey holds the signed-in volunteer's id in the session.
const sessionKey = "volunteer_id"

// signIn starts a volunteer's session.
func (h *Handlers) signIn(ctx context.Context, id int64) error {
	return h.Auth.StartSpace(ctx, sessionKey, id)
}

// current is the signed-in volunteer, nil when none or no longer active.
func (h *Handlers) current(ctx context.Context) (*Volunteer, error) {
	id := h.Auth.Sessions.GetInt64(ctx, sessionKey)
	if id == 0 {
		return nil, nil
	}
	v, err := Get(ctx, h.DB, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && v.State != "active") {
		return nil, nil
	}
	return v, err
}

// IsVolunteer reports whether the request comes from a signed-in, active
// volunteer: the access check of every route of the volunteer's space.
func (h *Handlers) IsVolunteer(r *http.Request) bool {
	v, err := h.current(r.Context())
	return err == nil && v != nil
}

// Policy is the access policy of the volunteer space's routes.
func (h *Handlers) Policy() auth.Policy {
	return auth.Custom("volunteer", "/volunteer/login", h.IsVolunteer)
}

// volunteer loads the signed-in volunteer (the policy has checked there is one).
func (h *Handlers) volunteer(w http.ResponseWriter, r *http.Request) (*Volunteer, bool) {
	v, err := h.current(r.Context())
	if err == nil && v == nil {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return v, true
}

// Requirement kinds.
const (
	Charter       = "charter"
	Honourability = "honourability"
)

// RequirementMet reports whether the volunteer meets a requirement on a day
// ("YYYY-MM-DD"): the latest row of that kind exists and has not expired.
// q is the database or the transaction of a sign-up.
func RequirementMet(ctx context.Context, q db.Execer, volunteerID int64, kind, day string) (bool, error) {
	var expires sql.NullString
	err := q.QueryRowContext(ctx, `SELECT expires_on FROM volunteer_requirements
		WHERE volunteer_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`, volunteerID, kind).Scan(&expires)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !expires.Valid || expires.String >= day, nil
}
