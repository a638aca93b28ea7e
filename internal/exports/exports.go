// Package exports gives staff their lists as files: learners, cohorts and
// referrals as CSV or XLSX with the filters applied and only what the role may
// see, and attendance sheets (feuilles d'émargement) as PDF.
package exports

import (
	"bytes"
	"embed"
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("exports", templates, nil) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
}

// send writes a finished file. Files are built whole in memory first, so that a
// failure half-way is still a clean error page. Nothing is cached: they hold
// personal data.
func send(w http.ResponseWriter, contentType, disposition, name string, body *bytes.Buffer) {
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Disposition", disposition+`; filename="`+name+`"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(body.Bytes())
}

// today is the date put in file names.
func today() string { return time.Now().Format(time.DateOnly) }

// logExport records that personal data left the system: who, what, how many
// rows, with which filters.
func (h *Handlers) logExport(r *http.Request, what, format string, rows int) {
	st := auth.Current(r.Context())
	h.Log.Info("export", "staff_id", st.ID, "staff", st.Email, "what", what, "format", format,
		"rows", rows, "query", r.URL.RawQuery, "request_id", web.RequestID(r.Context()))
}
