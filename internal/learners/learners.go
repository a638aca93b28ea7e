// Package learners is the path of each person the association serves: public
// registration, the advisers' inbox and contact attempts, decisions, the learner
// file, follow-up after training, and duplicate detection and merging.
package learners

import (
	"embed"
	"io/fs"
	"log/slog"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates are this room's pages, for the renderer.
func Templates() fs.FS { sub, _ := fs.Sub(templates, "templates"); return sub }

// Handlers serve the registration form, the inbox and the learner file.
type Handlers struct {
	DB     *db.DB
	Render *web.Renderer
	Auth   *auth.Service
	Log    *slog.Logger
	Mail   notify.Mailer
	SMS    notify.SMS
}
