package attendance

// The attendance sheets (feuilles d'émargement) as PDF, for the funders.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/exports"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// Sheet is one meeting's attendance sheet (feuille d'émargement).
type Sheet struct {
	Antenna        string
	AntennaAddress string
	Programme      string
	TotalHours     int
	StartsOn       time.Time // the cohort's first and last days
	EndsOn         time.Time
	Place          string
	Timezone       string
	Start, End     time.Time // the meeting, in the antenna's zone
	Advisers       []string
	People         []SheetLine
}

// SheetLine is one person on a sheet, with the mark when attendance was taken.
type SheetLine struct {
	FirstName, LastName, Phone string
	Mark                       string // present, absent, excused, late, or ""
}

// sheetLang is the sheets' language: the funders who ask for them are French,
// whatever the language of the person printing.
const sheetLang = "fr"

// MeetingSheet sends one meeting's attendance sheet as PDF, to the staff of the
// cohort's antenna; any other meeting is the 404 page.
func (h *Handlers) MeetingSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	m, c, err := training.MeetingByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	sheets, err := buildSheets(ctx, h.DB, st, c, []training.Meeting{*m})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.sendSheets(w, r, sheets, fmt.Sprintf("emargement-%s-session-%d.pdf", m.Start.Format(time.DateOnly), c.ID))
}

// CohortSheets sends the attendance sheets of every meeting of a cohort, one
// meeting to a page, as funders ask.
func (h *Handlers) CohortSheets(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	c, err := training.CohortByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	meetings, err := training.Meetings(ctx, h.DB, c.ID, c.Loc())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// A cancelled meeting has nobody to sign for it.
	meetings = slices.DeleteFunc(meetings, func(m training.Meeting) bool { return m.Cancelled })
	sheets, err := buildSheets(ctx, h.DB, st, c, meetings)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.sendSheets(w, r, sheets, fmt.Sprintf("emargement-session-%d.pdf", c.ID))
}

func (h *Handlers) sendSheets(w http.ResponseWriter, r *http.Request, sheets []Sheet, name string) {
	body, err := RenderSheets(sheets)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	lines := 0
	for _, s := range sheets {
		lines += len(s.People)
	}
	exports.LogExport(h.Log, r, "attendance sheets", "pdf", lines)
	// Built whole in memory first, so that a failure half-way is still a clean
	// error page. Nothing is cached: it holds personal data.
	hd := w.Header()
	hd.Set("Content-Type", "application/pdf")
	hd.Set("Content-Disposition", `inline; filename="`+name+`"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(body.Bytes())
}

// buildSheets gathers what the sheets of a cohort's meetings show.
func buildSheets(ctx context.Context, d *db.DB, st *auth.Staff, c *training.Cohort, meetings []training.Meeting) ([]Sheet, error) {
	address := ""
	if a, err := org.AntennaByID(ctx, d, st.Scope(), c.AntennaID); err == nil {
		address = a.Address
	} else if !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	roster, err := training.Roster(ctx, d, c.ID)
	if err != nil {
		return nil, err
	}
	phones := map[int64]string{}
	for _, s := range roster {
		phones[s.LearnerID] = s.Phone
	}
	place := strings.Join(nonEmpty(c.PlaceName, c.PlaceAddress, strings.TrimSpace(c.PlacePostcode+" "+c.PlaceCity)), ", ")
	var out []Sheet
	for _, m := range meetings {
		people, err := Attendees(ctx, d, &m)
		if err != nil {
			return nil, err
		}
		s := Sheet{Antenna: c.AntennaName, AntennaAddress: address, Programme: c.ProgrammeTitle, TotalHours: c.TotalHours,
			StartsOn: c.StartsOn, EndsOn: c.EndsOn, Place: place, Timezone: c.Timezone, Start: m.Start, End: m.End,
			Advisers: c.AdviserNames}
		for _, a := range people {
			s.People = append(s.People, SheetLine{FirstName: a.FirstName, LastName: a.LastName, Phone: phones[a.LearnerID], Mark: a.Mark})
		}
		out = append(out, s)
	}
	return out, nil
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// lineName is how a person is named on a sheet: "LAST First", in whatever
// script the name is written (Arabic right to left, Tigrinya in Ge'ez).
func lineName(l SheetLine) string {
	return strings.Join(strings.Fields(strings.ToUpper(l.LastName)+" "+l.FirstName), " ")
}

// Page geometry, in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	footerH      = 30.0 // room kept at the bottom for the trainer's signature and the page number
	rowH         = 11.0 // tall enough to sign in
)

// RenderSheets writes the sheets as one PDF, a meeting to a page (more pages when
// a meeting's list is long, the table's header repeated), in French.
func RenderSheets(sheets []Sheet) (*bytes.Buffer, error) {
	p := i18n.For(sheetLang)
	doc := pdf.New(p.Dir())
	doc.SetTitle(p.T("exports.pdf.title"), true)
	doc.SetAuthor("Tremplin", true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(margin, margin, margin)
	doc.SetAutoPageBreak(false, 0)
	doc.AliasNbPages("{nb}")
	doc.SetFooterFunc(func() {
		y := pageH - footerH + 4
		doc.SetFont("B", 10)
		doc.SetXY(margin, y)
		label := p.T("exports.pdf.trainer_signature")
		lw := doc.GetStringWidth(label) + 2*doc.GetCellMargin()
		doc.CellFormat(lw, 6, label, "", 0, "L", false, 0, "")
		doc.Rect(margin+lw+3, y-2, pageW-2*margin-lw-3, 16, "D")
		doc.SetFont("", 8)
		doc.SetXY(margin, pageH-10)
		doc.CellFormat(120, 5, "Tremplin – "+p.T("exports.pdf.title"), "", 0, "L", false, 0, "")
		doc.CellFormat(pageW-2*margin-120, 5, p.T("exports.pdf.page", "n", doc.PageNo(), "total", "{nb}"), "", 0, "R", false, 0, "")
	})
	if len(sheets) == 0 {
		doc.AddPage()
		doc.SetFont("B", 16)
		doc.CellFormat(0, 10, p.T("exports.pdf.title"), "", 1, "L", false, 0, "")
		doc.SetFont("", 11)
		doc.CellFormat(0, 8, p.T("exports.pdf.no_meetings"), "", 1, "L", false, 0, "")
	}
	for _, s := range sheets {
		drawSheet(doc, p, s)
	}
	body, err := doc.Bytes()
	if err != nil {
		return nil, err
	}
	return bytes.NewBuffer(body), nil
}

func drawSheet(doc *pdf.Doc, p i18n.Printer, s Sheet) {
	marked := false
	for _, l := range s.People {
		marked = marked || l.Mark != ""
	}
	width := pageW - 2*margin
	cols := []float64{10, 78, 0, 0}
	if marked {
		cols[2] = 28
	}
	cols[3] = width - cols[0] - cols[1] - cols[2]
	day := func(t time.Time) string { return web.FormatDate(p, t) }
	line := func(label, value string) {
		doc.SetFont("B", 10)
		lw := doc.GetStringWidth(label) + 2
		doc.CellFormat(lw, 6, label, "", 0, "L", false, 0, "")
		doc.SetFont("", 10)
		doc.MultiCell(width-lw, 6, value, "", "L", false)
	}
	header := func(cont bool) {
		doc.AddPage()
		doc.SetFont("B", 16)
		title := p.T("exports.pdf.title")
		if cont {
			title += " " + p.T("exports.pdf.continued")
		}
		doc.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
		doc.SetFont("B", 11)
		doc.CellFormat(0, 7, p.T("exports.pdf.association", "antenna", pdf.Isolate(s.Antenna)), "", 1, "L", false, 0, "")
		if s.AntennaAddress != "" && !cont {
			doc.SetFont("", 9)
			doc.CellFormat(0, 5, s.AntennaAddress, "", 1, "L", false, 0, "")
		}
		doc.Ln(2)
		line(p.T("exports.pdf.programme"), p.T("exports.pdf.programme_value", "title", pdf.Isolate(s.Programme), "hours", s.TotalHours))
		line(p.T("exports.pdf.meeting"), p.T("exports.pdf.meeting_value", "weekday", p.T(fmt.Sprintf("weekday.%d", s.Start.Weekday())),
			"date", day(s.Start), "start", s.Start.Format("15:04"), "end", s.End.Format("15:04"), "zone", s.Timezone))
		if !cont {
			line(p.T("exports.pdf.cohort"), p.T("exports.pdf.cohort_value", "from", day(s.StartsOn), "to", day(s.EndsOn)))
			line(p.T("exports.pdf.place"), s.Place)
			var names []string
			for _, a := range s.Advisers {
				names = append(names, pdf.Isolate(a))
			}
			advisers := strings.Join(names, ", ")
			if advisers == "" {
				advisers = "–"
			}
			line(p.T("exports.pdf.advisers"), advisers)
			line(p.T("exports.pdf.count"), fmt.Sprint(len(s.People)))
		}
		doc.Ln(3)
		doc.SetFont("B", 10)
		doc.SetFillColor(230, 230, 230)
		heads := []string{p.T("exports.pdf.col_number"), p.T("exports.pdf.col_name"), p.T("exports.pdf.col_mark"), p.T("exports.pdf.col_signature")}
		for i, h := range heads {
			if cols[i] > 0 {
				doc.CellFormat(cols[i], 8, h, "1", 0, "C", true, 0, "")
			}
		}
		doc.Ln(-1)
	}
	header(false)
	if len(s.People) == 0 {
		doc.SetFont("I", 10)
		doc.CellFormat(width, rowH, p.T("exports.pdf.nobody"), "1", 1, "C", false, 0, "")
		return
	}
	for i, l := range s.People {
		if doc.GetY()+rowH > pageH-footerH {
			header(true)
		}
		doc.SetFont("", 10)
		doc.CellFormat(cols[0], rowH, fmt.Sprint(i+1), "1", 0, "C", false, 0, "")
		doc.CellFormat(cols[1], rowH, doc.Fit(lineName(l), cols[1]-2), "1", 0, "L", false, 0, "")
		if cols[2] > 0 {
			mark := ""
			if l.Mark != "" {
				mark = p.T("training.mark." + l.Mark)
			}
			doc.CellFormat(cols[2], rowH, mark, "1", 0, "C", false, 0, "")
		}
		doc.CellFormat(cols[3], rowH, "", "1", 1, "L", false, 0, "")
	}
}
