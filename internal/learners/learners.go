// Package learners is the path of each person the association serves: public
// registration, the advisers' inbox and contact attempts, decisions, the learner
// file, follow-up after training, and duplicate detection and merging.
package learners

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are this room's pages, for the renderer.
func Templates() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }

// DefaultRegistrationLimit is how many registrations one address may send per
// hour when Handlers.RegistrationLimit is 0.
const DefaultRegistrationLimit = 10

// Handlers serve the registration form, the inbox and the learner file.
type Handlers struct {
	DB     *db.DB
	Render *web.Renderer
	Auth   *auth.Service
	Log    *slog.Logger
	Mail   notify.Mailer
	SMS    notify.SMS
	// RegistrationLimit is the registrations accepted per address and hour: 0 for
	// DefaultRegistrationLimit, negative for no limit (a load test from one host).
	RegistrationLimit int
}

func (h *Handlers) registrationLimit() int {
	switch {
	case h.RegistrationLimit == 0:
		return DefaultRegistrationLimit
	case h.RegistrationLimit < 0:
		return 0
	}
	return h.RegistrationLimit
}

// EnrolmentChanged moves a person along their path when training changes one of
// their enrolments (enrolled, waitlisted, offered, withdrawn). Training calls it
// through its OnEnrolment callback, after its own write has been committed.
func (h *Handlers) EnrolmentChanged(ctx context.Context, learnerID int64, state string) error {
	return moveForEnrolment(ctx, h.DB, learnerID, state)
}

// Positioned marks a person positioned once a test has been stored for them
// (positioning's OnTaken callback), unless they are already further along.
func (h *Handlers) Positioned(ctx context.Context, learnerID int64) error {
	return markPositioned(ctx, h.DB, learnerID)
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// fail answers a lookup error: 404 for a missing or out-of-scope file.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrNotFound) {
		h.Render.NotFound(w, r)
		return
	}
	h.Render.Fail(w, r, err)
}
