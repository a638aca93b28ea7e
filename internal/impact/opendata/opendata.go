// Package opendata publishes the association's places and services in the national
// open-data standards: "lieux de médiation numérique" v1.0.2 and data·inclusion v1.
package opendata

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
