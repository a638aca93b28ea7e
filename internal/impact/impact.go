// Package impact turns the association's activity into numbers for its antennas
// and funders: dashboards for any period, and the funder report as a page, CSV,
// XLSX and PDF with identical figures.
package impact

import (
	"embed"

	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("impact", templates, Funcs) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
	// PartnerFunnel is the address of the partners package's referral funnel per
	// partner, linked from the dashboard; empty when there is none.
	PartnerFunnel string
}
