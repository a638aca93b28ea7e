// Package exports gives staff their lists as files: learners, cohorts and
// referrals as CSV or XLSX with the filters applied and only what the role may
// see, and attendance sheets (feuilles d'émargement) as PDF.
package exports

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
