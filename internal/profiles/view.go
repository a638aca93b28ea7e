package profiles

import (
	"bytes"
	"context"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
)

// View is exactly what a recruiter sees of a person: the fields they chose,
// their phone and email only when they agreed to be put in touch. It never
// holds their situation, nationality or notes: there is no field for them.
type View struct {
	LearnerID      int64
	Name           string // first name and initial: "Amina D."
	Town           string
	Skills         []SkillView
	Courses        []Course
	Certificates   []string // titles of the programmes certified
	Languages      []string // catalog keys
	Availabilities []string // catalog keys
	AvailableFrom  string   // YYYY-MM-DD, "" for now
	CV             bool     // a CV can be downloaded
	Phone, Email   string   // put in touch only
	Lang           string   // the person's language, for a generated CV
	Shown, Contact bool     // the consents in force (for staff's preview)
}

// SkillView is a competence and its level, with its name's catalog key.
type SkillView struct {
	Key   string
	Level int
}

// ViewOf builds the recruiter's view of p, whether or not it is shown (staff
// preview it before the person agrees).
func ViewOf(ctx context.Context, q db.Execer, p *Profile) (*View, error) {
	v := &View{LearnerID: p.LearnerID, Name: p.FirstName, Lang: p.Lang, Shown: p.Shown, Contact: p.Contact && p.Shown}
	if p.LastInitial != "" {
		v.Name += " " + p.LastInitial + "."
	}
	if p.ShowTown {
		v.Town = p.Town
	}
	if p.ShowSkills {
		for _, c := range positioning.Competences() {
			for _, s := range p.Skills {
				if s.Competence == c && s.Level > 0 {
					v.Skills = append(v.Skills, SkillView{Key: positioning.CompetenceKey(c), Level: s.Level})
				}
			}
		}
	}
	if p.ShowCourses {
		v.Courses = p.Courses
	}
	if p.ShowCertificates {
		for _, c := range p.Courses {
			if c.Certificate {
				v.Certificates = append(v.Certificates, c.Title)
			}
		}
	}
	if p.ShowLanguages {
		for _, l := range p.Languages {
			v.Languages = append(v.Languages, "learner.lang."+l)
		}
	}
	if p.ShowAvailability {
		for _, a := range p.Availabilities {
			v.Availabilities = append(v.Availabilities, "learner.availability."+a)
		}
		v.AvailableFrom = p.AvailableFrom
	}
	v.CV = p.CV == "generated" || (p.CV == "upload" && p.HasCV)
	if v.Contact {
		if err := q.QueryRowContext(ctx, "SELECT phone, email FROM learners WHERE id = $1", p.LearnerID).Scan(&v.Phone, &v.Email); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// RecruiterView is the view a company gets of learnerID: db.ErrNotFound
// unless the profile consent is in force, so that a withdrawn consent hides
// the person from every company at once.
func RecruiterView(ctx context.Context, q db.Execer, learnerID int64) (*View, error) {
	p, err := Load(ctx, q, learnerID)
	if err != nil {
		return nil, err
	}
	if !p.Shown || !Visible(ctx, q, learnerID) {
		return nil, db.ErrNotFound
	}
	return ViewOf(ctx, q, p)
}

// CV is the CV a company may download of learnerID: the PDF uploaded, or one
// made from the view in the person's language; db.ErrNotFound without the
// consent or a CV chosen.
func CV(ctx context.Context, q db.Execer, learnerID int64) ([]byte, error) {
	p, err := Load(ctx, q, learnerID)
	if err != nil {
		return nil, err
	}
	if !p.Shown || !Visible(ctx, q, learnerID) {
		return nil, db.ErrNotFound
	}
	return cvOf(ctx, q, p)
}

func cvOf(ctx context.Context, q db.Execer, p *Profile) ([]byte, error) {
	switch {
	case p.CV == "upload" && p.HasCV:
		var body []byte
		err := q.QueryRowContext(ctx, "SELECT body FROM recruiter_cvs WHERE learner_id = $1", p.LearnerID).Scan(&body)
		return body, db.NotFound(err)
	case p.CV == "generated":
		v, err := ViewOf(ctx, q, p)
		if err != nil {
			return nil, err
		}
		return GenerateCV(v)
	}
	return nil, db.ErrNotFound
}

// GenerateCV writes the view as a one-page CV in the person's language
// (French for a language Tremplin does not speak), right to left in Arabic.
func GenerateCV(v *View) ([]byte, error) {
	p := i18n.For(v.Lang)
	doc := pdf.New(p.Dir())
	doc.SetTitle(p.T("profiles.cv.title", "name", v.Name), true)
	doc.SetAuthor("Tremplin", true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(20, 20, 20)
	doc.AddPage()
	doc.SetFont("B", 20)
	doc.MultiCell(0, 10, pdf.Isolate(v.Name), "", "L", false)
	doc.SetFont("", 11)
	if v.Town != "" {
		doc.MultiCell(0, 6, pdf.Isolate(v.Town), "", "L", false)
	}
	if v.Phone != "" || v.Email != "" {
		doc.MultiCell(0, 6, pdf.Isolate(strings.TrimSpace(v.Phone+"  "+v.Email)), "", "L", false)
	}
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		doc.Ln(4)
		doc.SetFont("B", 14)
		doc.MultiCell(0, 8, title, "", "L", false)
		doc.SetFont("", 11)
		for _, l := range lines {
			doc.MultiCell(0, 6, "• "+l, "", "L", false)
		}
	}
	var skills, courses, certs, langs, avail []string
	for _, s := range v.Skills {
		skills = append(skills, p.T("profiles.view.skill_line", "competence", p.T(s.Key), "level", s.Level))
	}
	for _, c := range v.Courses {
		courses = append(courses, p.T("profiles.view.course_line", "title", pdf.Isolate(c.Title), "hours", c.Hours))
	}
	for _, c := range v.Certificates {
		certs = append(certs, pdf.Isolate(c))
	}
	for _, l := range v.Languages {
		langs = append(langs, p.T(l))
	}
	for _, a := range v.Availabilities {
		avail = append(avail, p.T(a))
	}
	if v.AvailableFrom != "" {
		avail = append(avail, p.T("profiles.view.available_from", "date", web.FormatDate(p, day(v.AvailableFrom))))
	}
	section(p.T("profiles.view.skills"), skills)
	section(p.T("profiles.view.courses"), courses)
	section(p.T("profiles.view.certificates"), certs)
	section(p.T("profiles.view.languages"), langs)
	section(p.T("profiles.view.availability"), avail)
	return doc.Bytes()
}

// day reads a YYYY-MM-DD date; the zero time for another.
func day(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// IsPDF tells a PDF by its first bytes and its end marker, for the CVs
// people upload.
func IsPDF(body []byte) bool {
	if !bytes.HasPrefix(body, []byte("%PDF-")) {
		return false
	}
	tail := body[max(0, len(body)-1024):]
	return bytes.Contains(tail, []byte("%%EOF"))
}
