package learners

// Merging two files of the same person: finding the other file (likely duplicates,
// or a name search in the antenna), choosing field by field where the two files
// disagree, and folding one into the other without losing a way to reach them.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/positioning"
	"tremplin/internal/training"
)

// Secondary is a contact detail a file keeps besides its main phone and email.
type Secondary struct {
	Kind  string // phone, email
	Value string // E.164 for a phone
}

// Display is the value as staff read it (a phone grouped).
func (s Secondary) Display() string {
	if s.Kind == "phone" {
		return DisplayPhone(s.Value)
	}
	return s.Value
}

// Secondaries lists a file's other phones and emails, oldest first.
func Secondaries(ctx context.Context, d *db.DB, learnerID int64) ([]Secondary, error) {
	rows, err := d.QueryContext(ctx, "SELECT kind, value FROM learner_secondary_contacts WHERE learner_id = $1 ORDER BY at, id", learnerID)
	return db.Collect[Secondary](rows, err)(scanSecondary)
}

func scanSecondary(r db.Scanner) (Secondary, error) {
	var s Secondary
	err := r.Scan(&s.Kind, &s.Value)
	return s, err
}

// A merge choice says, for one field where the two files disagree, which value the
// kept file ends with: its own, the other file's, or (for lists) both.
const (
	PickKeep  = "keep"
	PickOther = "other"
	PickBoth  = "both"
)

// mergeField is one field compared on the merge form.
type mergeField struct {
	Name  string // the form field, "pick_" + this
	Label string // catalog key
	List  bool   // several codes: both may be kept
	get   func(*Learner) []string
	set   func(keep, other *Learner, pick string)
}

func (m mergeField) values(l *Learner) []string { return m.get(l) }

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func scalarField(name, label string, get func(*Learner) string, set func(k, o *Learner)) mergeField {
	return mergeField{Name: name, Label: label, get: func(l *Learner) []string { return one(get(l)) },
		set: func(k, o *Learner, pick string) {
			if pick == PickOther || get(k) == "" {
				set(k, o)
			}
		}}
}

func listField(name, label string, get func(*Learner) *[]string) mergeField {
	return mergeField{Name: name, Label: label, List: true, get: func(l *Learner) []string { return *get(l) },
		set: func(k, o *Learner, pick string) {
			switch pick {
			case PickOther:
				*get(k) = slices.Clone(*get(o))
			case PickKeep:
			default:
				*get(k) = union(*get(k), *get(o))
			}
		}}
}

// mergeFields are the details compared, in the order of the file.
var mergeFields = []mergeField{
	scalarField("first_name", "register.first_name", func(l *Learner) string { return l.FirstName }, func(k, o *Learner) { k.FirstName = o.FirstName }),
	scalarField("last_name", "register.last_name", func(l *Learner) string { return l.LastName }, func(k, o *Learner) { k.LastName = o.LastName }),
	scalarField("birth_year", "register.birth_year", func(l *Learner) string {
		if l.BirthYear == 0 {
			return ""
		}
		return strconv.Itoa(l.BirthYear)
	}, func(k, o *Learner) { k.BirthYear = o.BirthYear }),
	scalarField("phone", "learner.merge_main_phone", func(l *Learner) string { return l.Phone }, func(k, o *Learner) { k.Phone = o.Phone }),
	scalarField("email", "learner.merge_main_email", func(l *Learner) string { return l.Email }, func(k, o *Learner) { k.Email = o.Email }),
	scalarField("where", "learner.f_where", func(l *Learner) string { return l.Where() }, func(k, o *Learner) { k.Postcode, k.Town = o.Postcode, o.Town }),
	scalarField("gender", "register.gender", func(l *Learner) string { return l.Gender }, func(k, o *Learner) { k.Gender = o.Gender }),
	listField("languages", "learner.f_languages", func(l *Learner) *[]string { return &l.Languages }),
	scalarField("french_level", "learner.f_french", func(l *Learner) string { return l.FrenchLevel }, func(k, o *Learner) { k.FrenchLevel = o.FrenchLevel }),
	listField("situations", "learner.f_situations", func(l *Learner) *[]string { return &l.Situations }),
	listField("equipment", "learner.f_equipment", func(l *Learner) *[]string { return &l.Equipment }),
	listField("availabilities", "learner.f_availabilities", func(l *Learner) *[]string { return &l.Availabilities }),
	scalarField("heard_from", "learner.f_heard", func(l *Learner) string { return l.HeardFrom }, func(k, o *Learner) { k.HeardFrom = o.HeardFrom }),
}

// codePrefix is the catalog prefix of a field's codes, "" for text typed by people.
var codePrefix = map[string]string{
	"gender": "learner.gender.", "languages": "learner.lang.", "french_level": "learner.french.", "situations": "learner.situation.",
	"equipment": "learner.equipment.", "availabilities": "learner.availability.", "heard_from": "learner.heard.",
}

// disagree reports whether both files have a value for the field and they differ
// (a value missing on one side is simply taken from the other).
func (m mergeField) disagree(keep, other *Learner) bool {
	a, b := m.values(keep), m.values(other)
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if m.List {
		x, y := slices.Clone(a), slices.Clone(b)
		slices.Sort(x)
		slices.Sort(y)
		return !slices.Equal(x, y)
	}
	return a[0] != b[0] // "EL AMRANI" and "El Amrani" are a choice too
}

// MergeConflicts lists the fields where the two files disagree: staff choose them.
func MergeConflicts(keep, other *Learner) []string {
	var out []string
	for _, m := range mergeFields {
		if m.disagree(keep, other) {
			out = append(out, m.Name)
		}
	}
	return out
}

// pickAllowed reports whether pick is a choice the field offers.
func pickAllowed(name, pick string) bool {
	for _, m := range mergeFields {
		if m.Name == name {
			return pick == PickKeep || pick == PickOther || (m.List && pick == PickBoth)
		}
	}
	return false
}

// Merge folds file other into file keep with the usual choices: keep's own values
// where the files disagree (lists joined), as MergeWith.
func Merge(ctx context.Context, d *db.DB, keep, other, staffID int64) error {
	return MergeWith(ctx, d, keep, other, staffID, nil)
}

// MergeWith folds file other into file keep, in one transaction: other's history,
// contacts, notes, follow-ups, enrolments and positioning tests move to keep; where
// the files disagree, picks (field → PickKeep, PickOther, PickBoth) say which value
// keep ends with (its own by default, lists joined); a value missing on one side is
// taken from the other; the phone and email not kept as the main ones stay on keep
// as secondary contacts, each written in the history, as are other's own; keep
// takes the further status; other is marked merged into keep and leaves every list.
func MergeWith(ctx context.Context, d *db.DB, keep, other, staffID int64, picks map[string]string) error {
	if keep == other {
		return db.ErrNotFound
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		load := func(id int64) (*Learner, error) {
			return Scan(tx.QueryRowContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.id = $1 AND l.merged_into IS NULL", id))
		}
		k, err := load(keep)
		if err != nil {
			return err
		}
		o, err := load(other)
		if err != nil {
			return err
		}
		before := *k
		for _, table := range []string{"learner_history", "learner_contacts", "learner_notes"} {
			if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET learner_id = $1 WHERE learner_id = $2", keep, other); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE learner_followups SET learner_id = $1, antenna_id = $3 WHERE learner_id = $2
			AND milestone NOT IN (SELECT milestone FROM learner_followups WHERE learner_id = $1)`, keep, other, k.AntennaID); err != nil {
			return err
		}
		// What is left of other's follow-ups are plans keep already has; recorded ones stay as they were.
		if _, err := tx.ExecContext(ctx, "DELETE FROM learner_followups WHERE learner_id = $1 AND recorded_at = ''", other); err != nil {
			return err
		}
		if err := training.ReassignLearner(ctx, tx, other, keep); err != nil {
			return fmt.Errorf("merge enrolments: %w", err)
		}
		if err := positioning.ReassignLearner(ctx, tx, other, keep); err != nil {
			return fmt.Errorf("merge positioning tests: %w", err)
		}
		for _, m := range mergeFields {
			pick := PickKeep
			if m.List {
				pick = PickBoth
			}
			if p, ok := picks[m.Name]; ok && pickAllowed(m.Name, p) {
				pick = p
			}
			m.set(k, o, pick)
		}
		if k.WishedProgramme == 0 {
			k.WishedProgramme = o.WishedProgramme
		}
		if k.WishedCohort == 0 {
			k.WishedCohort = o.WishedCohort
		}
		if progress[o.Status] > progress[k.Status] {
			k.Status, k.StatusReason, k.ExitedOn = o.Status, o.StatusReason, o.ExitedOn
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE learners SET email = $1, postcode = $2, town = $3, french_level = $4,
			heard_from = $5, languages = $6, situations = $7, equipment = $8, availabilities = $9, wished_programme_id = $10,
			wished_cohort_id = $11, status = $12, status_reason = $13, exited_on = $14, updated_at = $15,
			duplicate_of = CASE WHEN duplicate_of = $17 THEN NULL ELSE duplicate_of END, gender = $18,
			first_name = $19, last_name = $20, first_key = $21, last_key = $22, birth_year = $23, phone = $24 WHERE id = $16`,
			k.Email, k.Postcode, k.Town, k.FrenchLevel, k.HeardFrom, joinCodes(k.Languages), joinCodes(k.Situations),
			joinCodes(k.Equipment), joinCodes(k.Availabilities), db.NullID(k.WishedProgramme), db.NullID(k.WishedCohort),
			k.Status, k.StatusReason, k.ExitedOn, now, keep, other, k.Gender,
			k.FirstName, k.LastName, NameKey(k.FirstName), NameKey(k.LastName), k.BirthYear, k.Phone); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE learners SET duplicate_of = $1 WHERE duplicate_of = $2 AND id <> $1", keep, other); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE learners SET merged_into = $1, duplicate_of = NULL, updated_at = $2 WHERE id = $3",
			keep, now, other); err != nil {
			return err
		}
		// Search finds the kept file by the names and phone it ends with, and the
		// merged one no more.
		if err := writeKeys(ctx, tx, keyed{k.ID, k.AntennaID, k.FirstName, k.LastName, k.Phone}); err != nil {
			return err
		}
		if err := dropKeys(ctx, tx, other); err != nil {
			return err
		}
		if err := addHistory(ctx, tx, keep, "merged", "", fmt.Sprintf("%s (%d)", o.Name(), o.ID), staffID, now); err != nil {
			return err
		}
		// Every phone and email of both files that is not the main one now is kept.
		rows, err := tx.QueryContext(ctx, "SELECT kind, value FROM learner_secondary_contacts WHERE learner_id IN ($1, $2) ORDER BY at, id", keep, other)
		kept, err := db.Collect[Secondary](rows, err)(scanSecondary)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM learner_secondary_contacts WHERE learner_id = $1 AND kind = 'phone' AND value = $2", keep, k.Phone); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM learner_secondary_contacts WHERE learner_id = $1 AND kind = 'email' AND value = $2", keep, k.Email); err != nil {
			return err
		}
		for _, s := range []Secondary{{"phone", before.Phone}, {"phone", o.Phone}, {"email", before.Email}, {"email", o.Email}} {
			main := k.Phone
			if s.Kind == "email" {
				main = k.Email
			}
			if s.Value == "" || s.Value == main || slices.Contains(kept, s) {
				continue
			}
			kept = append(kept, s)
			if _, err := tx.ExecContext(ctx, `INSERT INTO learner_secondary_contacts (learner_id, kind, value, from_learner_id, staff_id, at)
				VALUES ($1, $2, $3, $4, $5, $6)`, keep, s.Kind, s.Value, other, db.NullID(staffID), now); err != nil {
				return err
			}
			if err := addHistory(ctx, tx, keep, "secondary", s.Kind, s.Display(), staffID, now); err != nil {
				return err
			}
		}
		// other's own secondary contacts move to keep, unless keep has them already.
		_, err = tx.ExecContext(ctx, `UPDATE learner_secondary_contacts SET learner_id = $1 WHERE learner_id = $2
			AND NOT EXISTS (SELECT 1 FROM learner_secondary_contacts x WHERE x.learner_id = $1 AND x.kind = learner_secondary_contacts.kind
				AND x.value = learner_secondary_contacts.value)
			AND NOT (kind = 'phone' AND value = $3) AND NOT (kind = 'email' AND value = $4)`, keep, other, k.Phone, k.Email)
		return err
	})
}

// DuplicateCandidates lists the files of the same antenna that may be the same person
// as l, as registration flags them (same phone, or same name in either order and
// birth year), and those flagged against it; at most limit.
func DuplicateCandidates(ctx context.Context, d *db.DB, sc auth.Scope, l *Learner, limit int) ([]*Learner, error) {
	args := db.Args{l.AntennaID, l.Phone, l.BirthYear, NameKey(l.LastName), NameKey(l.FirstName), l.ID}
	where := sc.Where("l.antenna_id", &args)
	rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+` WHERE l.id IN (
			SELECT id FROM learners WHERE phone = $2 AND antenna_id = $1
			UNION ALL SELECT learner_id FROM learner_secondary_contacts WHERE kind = 'phone' AND value = $2
			UNION ALL SELECT id FROM learners WHERE phone IN (SELECT value FROM learner_secondary_contacts WHERE learner_id = $6 AND kind = 'phone')
				AND antenna_id = $1
			UNION ALL SELECT id FROM learners WHERE last_key = $4 AND first_key = $5 AND birth_year = $3 AND $4 <> '' AND antenna_id = $1
			UNION ALL SELECT id FROM learners WHERE last_key = $5 AND first_key = $4 AND birth_year = $3 AND $4 <> '' AND antenna_id = $1
			UNION ALL SELECT id FROM learners WHERE duplicate_of = $6
			UNION ALL SELECT duplicate_of FROM learners WHERE id = $6
		) AND l.id <> $6 AND l.antenna_id = $1 AND l.merged_into IS NULL AND `+where+fmt.Sprintf(" ORDER BY l.id LIMIT %d", limit), args...)
	return db.Collect[*Learner](rows, err)(scanOne)
}

// AntennaNamed finds files of one antenna whose first or last name starts with the
// query's first word, and whose names hold the start of every other word; at most
// limit, by name.
func AntennaNamed(ctx context.Context, d *db.DB, antennaID, except int64, q string, limit int) ([]*Learner, error) {
	var keys []string
	for w := range strings.FieldsSeq(q) {
		if k := NameKey(w); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	lo, hi := prefixRange(keys[0])
	var out []*Learner
	for _, col := range []string{"last_key", "first_key"} {
		cond, args := "l."+col+" >= $2", []any{antennaID, lo, except}
		if hi != "" {
			cond += " AND l." + col + " < $4"
			args = append(args, hi)
		}
		rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.antenna_id = $1 AND "+cond+
			" AND l.merged_into IS NULL AND l.id <> $3 ORDER BY l."+col+fmt.Sprintf(" LIMIT %d", 4*limit), args...)
		found, err := db.Collect[*Learner](rows, err)(scanOne)
		if err != nil {
			return nil, err
		}
	next:
		for _, l := range found {
			for _, k := range keys[1:] {
				if !strings.Contains(NameKey(l.FirstName)+" "+NameKey(l.LastName), k) {
					continue next
				}
			}
			if !slices.ContainsFunc(out, func(x *Learner) bool { return x.ID == l.ID }) {
				out = append(out, l)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Learner) int {
		return strings.Compare(NameKey(a.LastName+a.FirstName), NameKey(b.LastName+b.FirstName))
	})
	return out[:min(len(out), limit)], nil
}

// otherFile loads the file named by the form or query field "other", in scope.
func (h *Handlers) otherFile(ctx context.Context, v string) (*Learner, error) {
	id, _ := strconv.ParseInt(v, 10, 64)
	o, err := ByID(ctx, h.DB, auth.Current(ctx).Scope(), id)
	if err != nil {
		return nil, err
	}
	if o.MergedInto != 0 {
		return nil, db.ErrNotFound
	}
	return o, nil
}

// MergeCandidates is how many likely duplicates, or files found by name, the merge
// page offers.
const MergeCandidates = 20

// mergePick is the page to find the other file.
type mergePick struct {
	L        *Learner
	Likely   []*Learner
	Found    []*Learner
	Query    string
	Searched bool
}

// renderPick shows the files the person may merge with this one.
func (h *Handlers) renderPick(w http.ResponseWriter, r *http.Request, status int, l *Learner, f *web.Form) {
	ctx := r.Context()
	d := mergePick{L: l, Query: f.Get("q")}
	var err error
	if d.Likely, err = DuplicateCandidates(ctx, h.DB, auth.Current(ctx).Scope(), l, MergeCandidates); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Query != "" {
		d.Searched = true
		if d.Found, err = AntennaNamed(ctx, h.DB, l.AntennaID, l.ID, d.Query, MergeCandidates); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, status, "learners/merge_pick.html", d, f)
}

// mergeRow is one field of the comparison, with the two values as staff read them.
type mergeRow struct {
	Name, Label string
	List        bool
	Keep, Other []string // text, or catalog keys when Codes
	Codes       bool
	Pick        string // the choice shown selected
	Error       string
}

// mergeCompare is the comparison page.
type mergeCompare struct {
	Keep, Other *Learner
	Rows        []mergeRow
}

func (h *Handlers) renderCompare(w http.ResponseWriter, r *http.Request, status int, k, o *Learner, f *web.Form) {
	d := mergeCompare{Keep: k, Other: o}
	for _, m := range mergeFields {
		if !m.disagree(k, o) {
			continue
		}
		row := mergeRow{Name: m.Name, Label: m.Label, List: m.List, Keep: m.values(k), Other: m.values(o), Error: f.Errors["pick_"+m.Name]}
		if p := codePrefix[m.Name]; p != "" {
			row.Codes = true
			row.Keep, row.Other = prefixed(p, row.Keep), prefixed(p, row.Other)
		}
		if m.Name == "phone" {
			row.Keep, row.Other = []string{k.PhoneDisplay()}, []string{o.PhoneDisplay()}
		}
		row.Pick = f.Get("pick_" + m.Name)
		if !pickAllowed(m.Name, row.Pick) {
			row.Pick = PickKeep
			if m.List {
				row.Pick = PickBoth
			}
		}
		d.Rows = append(d.Rows, row)
	}
	h.Render.Render(w, r, status, "learners/merge.html", d, f)
}

// MergeForm finds the other file (?q= searches the antenna by name), or compares
// the file with ?other= before merging that one into it.
func (h *Handlers) MergeForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, ok := h.Load(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.URL.Query())
	v := r.URL.Query().Get("other")
	if v == "" {
		h.renderPick(w, r, http.StatusOK, l, f)
		return
	}
	o, err := h.otherFile(ctx, v)
	if err != nil || o.ID == l.ID {
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
		f.Fail("q", "learner.merge_unknown")
		h.renderPick(w, r, http.StatusUnprocessableEntity, l, f)
		return
	}
	h.renderCompare(w, r, http.StatusOK, l, o, web.NewForm(url.Values{}))
}

// Merge folds the file "other" into this one, with the choices made field by field.
func (h *Handlers) Merge(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	o, err := h.otherFile(ctx, f.Get("other"))
	if err != nil || o.ID == l.ID {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	picks := map[string]string{}
	for _, name := range MergeConflicts(l, o) {
		p := f.Get("pick_" + name)
		if !pickAllowed(name, p) {
			f.Fail("pick_"+name, "learner.merge_choose")
			continue
		}
		picks[name] = p
	}
	if !f.Valid() {
		h.renderCompare(w, r, http.StatusUnprocessableEntity, l, o, f)
		return
	}
	if err := MergeWith(ctx, h.DB, l.ID, o.ID, auth.Current(ctx).ID, picks); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// Always passed on: the merged file may have been referred with another status.
	h.statusChanged(ctx, l.ID, "", auth.Current(ctx).ID)
	h.BackToFile(w, r, l.ID, "#timeline")
}
