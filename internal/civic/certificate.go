package civic

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
)

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

// RenderCertificate writes a contract's end-of-mission certificate in the
// volunteer's language, right to left in Arabic, with their name in whatever
// script it is written.
func RenderCertificate(c *Contract, issued time.Time) (*bytes.Buffer, error) {
	p := i18n.For(c.Lang)
	doc := pdf.New(p.Dir())
	doc.SetTitle(p.T("civic.cert.title"), true)
	doc.SetAuthor("Tremplin", true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(20, 20, 20)
	doc.AddPage()
	doc.SetFont("B", 18)
	doc.MultiCell(0, 9, p.T("civic.cert.title"), "", "C", false)
	doc.Ln(6)
	name := pdf.Isolate(strings.Join(strings.Fields(c.FirstName+" "+strings.ToUpper(c.LastName)), " "))
	lines := []string{
		p.T("civic.cert.body", "name", name, "birth", web.FormatDate(p, c.Birth), "antenna", pdf.Isolate(c.AntennaName)),
		p.T("civic.cert.mission", "title", pdf.Isolate(c.OfferTitle), "domain", p.T("civic.domain."+c.Domain)),
		p.T("civic.cert.period", "from", web.FormatDate(p, c.Start), "to", web.FormatDate(p, c.End),
			"hours", c.WeeklyHours, "days", c.Days),
		p.T("civic.cert.approval", "number", pdf.Isolate(c.ApprovalNumber)),
		p.T("civic.cert.tutor", "tutor", pdf.Isolate(c.TutorName)),
	}
	doc.SetFont("", 12)
	for _, l := range lines {
		doc.MultiCell(0, 7, l, "", "L", false)
		doc.Ln(3)
	}
	doc.Ln(10)
	doc.MultiCell(0, 7, p.T("civic.cert.issued", "date", web.FormatDate(p, issued)), "", "L", false)
	doc.Ln(4)
	doc.SetFont("B", 11)
	doc.CellFormat(0, 7, p.T("civic.cert.signature"), "", 1, "L", false, 0, "")
	doc.Rect(20, doc.GetY()+2, 90, 30, "D")
	body, err := doc.Bytes()
	if err != nil {
		return nil, err
	}
	return bytes.NewBuffer(body), nil
}
