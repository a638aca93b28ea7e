package privacy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
)

// reachedThrough are the tables that hold a person's data without a
// learner_id column, with the condition that finds their rows ($1 is the
// learner's id).
var reachedThrough = map[string]string{
	"positioning_test_answers": "test_id IN (SELECT id FROM positioning_tests WHERE learner_id = $1)",
	"positioning_test_scores":  "test_id IN (SELECT id FROM positioning_tests WHERE learner_id = $1)",
	"referral_events":          "person_id IN (SELECT id FROM referral_people WHERE learner_id = $1)",
	"referral_notes":           "person_id IN (SELECT id FROM referral_people WHERE learner_id = $1)",
	"job_application_events":   "application_id IN (SELECT id FROM job_applications WHERE learner_id = $1)",
}

// secretColumns are never exported: the tokens of links, which work as keys.
var secretColumns = []string{"token", "token_hash", "link_hash", "word_key", "first_key", "last_key"}

// AccessExport writes, as JSON, everything Tremplin holds about a learner:
// every row of every table of the register's activities that refers to them
// (by a learner_id column, or through another table), the audit of who read
// and changed their file included, table by table, column by column, as
// stored. Link tokens are left out. Found from the schema, it follows the
// tables as they are added (the register's test makes each one declared).
func AccessExport(ctx context.Context, d *db.DB, learnerID int64, w io.Writer) error {
	held, err := Held(ctx, d, learnerID)
	if err != nil {
		return err
	}
	out := struct {
		Learner   int64                       `json:"learner_id"`
		Generated string                      `json:"generated_at"`
		Tables    map[string][]map[string]any `json:"tables"`
	}{learnerID, time.Now().UTC().Format(time.RFC3339), held}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

// Held is every row about a learner, table by table, column by column, as
// stored, link tokens left out: what AccessExport writes and the readable
// export (ReadableAccess) presents.
func Held(ctx context.Context, d *db.DB, learnerID int64) (map[string][]map[string]any, error) {
	tables, err := Tables(ctx, d)
	if err != nil {
		return nil, err
	}
	held := map[string][]map[string]any{}
	for _, p := range Register {
		if p.Key == "technical" || p.Key == "reference" {
			continue
		}
		for _, t := range p.Tables {
			if !slices.Contains(tables, t) {
				continue
			}
			cols, err := Columns(ctx, d, t)
			if err != nil {
				return nil, err
			}
			where := reachedThrough[t]
			switch {
			case t == "learners":
				where = "id = $1"
			case where == "" && slices.Contains(cols, "learner_id"):
				where = "learner_id = $1"
			case where == "":
				continue
			}
			var keep []string
			for _, c := range cols {
				if !slices.Contains(secretColumns, c) {
					keep = append(keep, c)
				}
			}
			rows, err := rowsOf(ctx, d, t, keep, where, learnerID)
			if err != nil {
				return nil, err
			}
			if len(rows) > 0 {
				held[t] = rows
			}
		}
	}
	return held, nil
}

// Binary is a stored file (a CV's PDF): base64 in the JSON export, so that
// the person gets back exactly the bytes held, and its size on the page.
type Binary []byte

// MarshalJSON writes the bytes as {"base64": "..."}.
func (b Binary) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"base64": base64.StdEncoding.EncodeToString(b)})
}

func rowsOf(ctx context.Context, d *db.DB, table string, cols []string, where string, id int64) ([]map[string]any, error) {
	list := ""
	for i, c := range cols {
		if i > 0 {
			list += ", "
		}
		list += c
	}
	rows, err := d.QueryContext(ctx, "SELECT "+list+" FROM "+table+" WHERE "+where+" ORDER BY 1", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := map[string]any{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok && utf8.Valid(b) {
				row[c] = string(b)
			} else if ok {
				row[c] = Binary(b)
			} else {
				row[c] = vals[i]
			}
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// inScope finds a learner of the viewer's antennas (sql.ErrNoRows for another's).
func (h *Handlers) inScope(ctx context.Context, id int64) error {
	args := db.Args{id}
	var one int
	return h.DB.QueryRowContext(ctx, "SELECT 1 FROM learners WHERE id = $1 AND "+auth.Current(ctx).Scope().Where("antenna_id", &args),
		args...).Scan(&one)
}

// AccessJSON downloads everything held about a learner of the viewer's
// antennas: GET /learners/{id}/access.json.
func (h *Handlers) AccessJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := web.PathID(r, "id")
	if err := h.inScope(ctx, id); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	web.Attach(w, "application/json; charset=utf-8", "donnees-"+strconv.FormatInt(id, 10)+".json")
	if err := AccessExport(ctx, h.DB, id, w); err != nil {
		h.Log.ErrorContext(ctx, "access export", "learner_id", id, "err", err)
	}
}

// readable gathers the readable export of the route's learner, or answers
// the 404 page for a learner of another antenna.
func (h *Handlers) readable(w http.ResponseWriter, r *http.Request) *Readable {
	ctx := r.Context()
	id := web.PathID(r, "id")
	if err := h.inScope(ctx, id); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return nil
	}
	rd, err := ReadableAccess(ctx, h.DB, id, time.Now())
	if err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return nil
	}
	return rd
}

// AccessPage is everything held about a learner as a page to read or print,
// in the person's language (not the staff member's): GET /learners/{id}/access.
func (h *Handlers) AccessPage(w http.ResponseWriter, r *http.Request) {
	rd := h.readable(w, r)
	if rd == nil {
		return
	}
	r = r.WithContext(i18n.WithLang(r.Context(), rd.Lang))
	h.Render.Render(w, r, http.StatusOK, "privacy/access.html", rd, nil)
}

// AccessPDF is the same as a PDF, in the person's language, right to left in
// Arabic: GET /learners/{id}/access.pdf.
func (h *Handlers) AccessPDF(w http.ResponseWriter, r *http.Request) {
	rd := h.readable(w, r)
	if rd == nil {
		return
	}
	body, err := rd.PDF()
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Attach(w, "application/pdf", "donnees-"+strconv.FormatInt(rd.ID, 10)+".pdf")
	w.Write(body)
}

// PDF prints the readable export, in the person's language.
func (rd *Readable) PDF() ([]byte, error) {
	p := i18n.For(rd.Lang)
	doc := pdf.New(rd.Dir)
	doc.SetTitle(rd.Title, true)
	doc.SetAuthor("Tremplin", true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(18, 18, 18)
	doc.SetAutoPageBreak(true, 18)
	doc.AliasNbPages("{nb}")
	doc.SetFooterFunc(func() {
		doc.SetY(-12)
		doc.SetFont("", 8)
		doc.CellFormat(0, 5, p.T("exports.pdf.page", "n", doc.PageNo(), "total", "{nb}"), "", 0, "C", false, 0, "")
	})
	doc.AddPage()
	doc.SetFont("B", 16)
	doc.MultiCell(0, 8, rd.Title, "", "L", false)
	doc.Ln(2)
	doc.SetFont("", 10)
	doc.MultiCell(0, 5, rd.Intro, "", "L", false)
	for _, s := range rd.Sections {
		doc.Ln(4)
		doc.SetFont("B", 13)
		doc.MultiCell(0, 7, s.Title, "B", "L", false)
		doc.Ln(1)
		if len(s.Items) == 0 {
			doc.SetFont("", 10)
			doc.MultiCell(0, 5, rd.None, "", "L", false)
		}
		for _, it := range s.Items {
			if it.Heading != "" {
				doc.SetFont("B", 10)
				doc.MultiCell(0, 5, it.Heading, "", "L", false)
			}
			doc.SetFont("", 10)
			for _, f := range it.Facts {
				doc.MultiCell(0, 5, f.Label+" : "+pdf.Isolate(f.Value), "", "L", false)
			}
			if it.Text != "" {
				for _, l := range strings.Split(it.Text, "\n") {
					doc.MultiCell(0, 5, l, "", "L", false)
				}
			}
			doc.Ln(2)
		}
	}
	return doc.Bytes()
}
