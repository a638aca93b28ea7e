// Package impact turns the association's activity into numbers for its antennas
// and funders: dashboards for any period, and the funder report as a page, CSV,
// XLSX and PDF with identical figures.
package impact

import (
	"context"
	"embed"

	"tremplin/internal/platform/i18n"
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
	// Extra are the tables other packages add to the dashboard (volunteers,
	// civic service), for the period and antennas chosen: the filter's antennas
	// are already those the person may see.
	Extra []Extra
}

// Extra counts a package's own figures for the dashboard.
type Extra func(ctx context.Context, f Filter, p i18n.Printer) ([]Table, error)
