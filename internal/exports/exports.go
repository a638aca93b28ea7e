// Package exports gives staff their lists as files: learners, cohorts and
// referrals as CSV or XLSX, with the filters applied and only what the role may
// see. Every file of personal data that leaves is logged (LogExport).
package exports

import (
	"embed"
	"log/slog"
	"net/http"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("exports", templates, nil) }

// Handlers serve the list exports.
type Handlers struct {
	web.Deps
}

// today is the date put in file names.
func today() string { return time.Now().Format(time.DateOnly) }

// LogExport records that personal data left the system: who, what, how many
// rows, with which filters. Every file of personal data is logged so, the
// attendance sheets too.
func LogExport(log *slog.Logger, r *http.Request, what, format string, rows int) {
	st := auth.Current(r.Context())
	log.Info("export", "staff_id", st.ID, "staff", st.Email, "what", what, "format", format,
		"rows", rows, "query", r.URL.RawQuery, "request_id", web.RequestID(r.Context()))
}
