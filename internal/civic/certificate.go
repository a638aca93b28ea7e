package civic

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/charmap"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// certificateLang is the language a certificate is printed in: the
// volunteer's, when the PDF's core fonts can draw it. They cannot draw Arabic
// (nor shape it right to left): an Arabic-speaking volunteer's certificate is
// printed in French, the language of the State's forms, until a Unicode font
// with Arabic shaping is embedded.
func certificateLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "fr"
}

// latin keeps what the core fonts can draw (Windows-1252) and reports whether
// something was left out.
func latin(s string) (string, bool) {
	var b strings.Builder
	lost := false
	for _, r := range s {
		if _, ok := charmap.Windows1252.EncodeRune(r); ok && r >= ' ' {
			b.WriteRune(r)
		} else {
			lost = true
		}
	}
	return strings.Join(strings.Fields(b.String()), " "), lost
}

// Certificate is the end-of-mission certificate as a PDF, in the volunteer's
// language: GET /civic/contracts/{id}/certificate.pdf.
func (h *Handlers) Certificate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := ContractByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	buf, err := RenderCertificate(c, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="attestation-service-civique-`+strconv.FormatInt(c.ID, 10)+`.pdf"`)
	w.Write(buf.Bytes())
}

// RenderCertificate writes a contract's end-of-mission certificate.
func RenderCertificate(c *Contract, issued time.Time) (*bytes.Buffer, error) {
	p := i18n.For(certificateLang(c.Lang))
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	txt := func(s string) string { t, _ := latin(s); return tr(t) }
	pdf.SetTitle(p.T("civic.cert.title"), true)
	pdf.SetAuthor("Tremplin", true)
	pdf.SetCreator("Tremplin", true)
	pdf.SetMargins(20, 20, 20)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(0, 9, txt(p.T("civic.cert.title")), "", "C", false)
	pdf.Ln(6)
	name, lost := latin(c.FirstName + " " + strings.ToUpper(c.LastName))
	if lost {
		name = strings.TrimSpace(name + " " + p.T("civic.cert.name_unprintable"))
	}
	lines := []string{
		p.T("civic.cert.body", "name", name, "birth", web.FormatDate(p, c.Birth), "antenna", c.AntennaName),
		p.T("civic.cert.mission", "title", c.OfferTitle, "domain", p.T("civic.domain."+c.Domain)),
		p.T("civic.cert.period", "from", web.FormatDate(p, c.Start), "to", web.FormatDate(p, c.End),
			"hours", c.WeeklyHours, "days", c.Days),
		p.T("civic.cert.approval", "number", c.ApprovalNumber),
		p.T("civic.cert.tutor", "tutor", c.TutorName),
	}
	pdf.SetFont("Helvetica", "", 12)
	for _, l := range lines {
		pdf.MultiCell(0, 7, txt(l), "", "L", false)
		pdf.Ln(3)
	}
	pdf.Ln(10)
	pdf.MultiCell(0, 7, txt(p.T("civic.cert.issued", "date", web.FormatDate(p, issued))), "", "L", false)
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(0, 7, txt(p.T("civic.cert.signature")), "", 1, "L", false, 0, "")
	pdf.Rect(20, pdf.GetY()+2, 90, 30, "D")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return &buf, nil
}
