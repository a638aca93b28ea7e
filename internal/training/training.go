// Package training is the association's teaching: programmes, cohorts and their
// timetables, the public catalogue, enrolment within capacity and the waitlist,
// attendance and hours, and the iCalendar feeds of meetings.
package training

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are this room's pages, for the renderer.
func Templates() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }

// Handlers serve the training pages. OnEnrolment is called after an enrolment
// changes state (enrolled, waitlisted, offered, withdrawn), so that the learners
// room can move the person along their path without training writing its tables.
type Handlers struct {
	DB          *db.DB
	Render      *web.Renderer
	Auth        *auth.Service
	Log         *slog.Logger
	BaseURL     string
	OnEnrolment func(ctx context.Context, learnerID int64, state string) error

	pages pageCache // the public catalogue, rendered (cache.go)
}
