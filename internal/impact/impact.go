// Package impact turns the association's activity into numbers for its antennas
// and funders: dashboards for any period, and the funder report as a page, CSV,
// XLSX and PDF with identical figures.
package impact

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
	// PartnerFunnel is the address of the partners room's referral funnel per
	// partner, linked from the dashboard; empty when there is none.
	PartnerFunnel string
}
