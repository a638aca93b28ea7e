// Package partners is the association's work with the social-insertion actors who
// send it people: the directory of partner organisations and their contacts, the
// advisers' outreach log, referrals of people and groups and their states, the
// partner space (one-time link sign-in), group imports and per-partner figures.
package partners

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

// Handlers serve this room's pages.
type Handlers struct {
	DB      *db.DB
	Render  *web.Renderer
	Auth    *auth.Service
	Log     *slog.Logger
	Mail    notify.Mailer
	BaseURL string
}
