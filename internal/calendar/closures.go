package calendar

// An antenna's closures: the store, and the page where its managers list them.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

// Closure is a period when an antenna is closed, both days included.
type Closure struct {
	ID          int64
	AntennaID   int64
	AntennaName string
	StartsOn    time.Time
	EndsOn      time.Time
	Label       string
}

func scanClosures(rows *sql.Rows, err error) ([]Closure, error) {
	return db.Collect[Closure](rows, err)(func(row db.Scanner) (Closure, error) {
		var c Closure
		var s, e string
		err := row.Scan(&c.ID, &c.AntennaID, &c.AntennaName, &s, &e, &c.Label)
		c.StartsOn, c.EndsOn = parseDate(s), parseDate(e)
		return c, err
	})
}

const closureSelect = `SELECT k.id, k.antenna_id, a.name, k.starts_on, k.ends_on, k.label FROM antenna_closures k JOIN antennas a ON a.id = k.antenna_id`

func closuresBetween(ctx context.Context, d *db.DB, antennaID int64, first, last string) ([]Closure, error) {
	return scanClosures(d.QueryContext(ctx, closureSelect+` WHERE k.antenna_id = $1 AND k.starts_on <= $2 AND k.ends_on >= $3
		ORDER BY k.starts_on`, antennaID, last, first))
}

// maxClosures bounds the closures page: an antenna closes a few times a year.
const maxClosures = 100

// Closures lists an antenna's closures ending on or after since, soonest first.
func Closures(ctx context.Context, d *db.DB, antennaID int64, since time.Time) ([]Closure, error) {
	return scanClosures(d.QueryContext(ctx, closureSelect+` WHERE k.antenna_id = $1 AND k.ends_on >= $2
		ORDER BY k.starts_on, k.id LIMIT `+strconv.Itoa(maxClosures), antennaID, since.Format(time.DateOnly)))
}

// AddClosure records a closure. Sending the same one twice records it once.
func AddClosure(ctx context.Context, d *db.DB, c *Closure, staffID int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM antenna_closures WHERE antenna_id = $1 AND starts_on = $2 AND ends_on = $3 AND label = $4`,
			c.AntennaID, c.StartsOn.Format(time.DateOnly), c.EndsOn.Format(time.DateOnly), c.Label).Scan(&c.ID)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO antenna_closures (antenna_id, starts_on, ends_on, label, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, c.AntennaID, c.StartsOn.Format(time.DateOnly), c.EndsOn.Format(time.DateOnly),
			c.Label, db.NullID(staffID), db.Now()).Scan(&c.ID)
	})
}

// closureAntenna returns the antenna of a closure.
func closureAntenna(ctx context.Context, d *db.DB, id int64) (int64, error) {
	var a int64
	err := d.QueryRowContext(ctx, "SELECT antenna_id FROM antenna_closures WHERE id = $1", id).Scan(&a)
	err = db.NotFound(err)
	return a, err
}

// DeleteClosure removes a closure (meetings are not added back: the timetable is
// the manager's to complete).
func DeleteClosure(ctx context.Context, d *db.DB, id int64) error {
	_, err := d.Exec(ctx, "DELETE FROM antenna_closures WHERE id = $1", id)
	return err
}

// --- Handlers ------------------------------------------------------------------------

type closuresData struct {
	Antennas  []web.Option
	AntennaID int64
	Antenna   *org.Antenna
	Closures  []Closure
	Holidays  []Holiday // this year's and next, for an antenna in France
}

// managedAntennas lists the antennas the person manages.
func (h *Handlers) managedAntennas(r *http.Request) ([]*org.Antenna, error) {
	st := auth.Current(r.Context())
	all, err := org.Antennas(r.Context(), h.DB, st.Scope())
	if err != nil {
		return nil, err
	}
	var out []*org.Antenna
	for _, a := range all {
		if st.ManagesAntenna(a.ID) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (h *Handlers) renderClosures(w http.ResponseWriter, r *http.Request, status int, chosen int64, f *web.Form) {
	antennas, err := h.managedAntennas(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	data := closuresData{}
	for _, a := range antennas {
		data.Antennas = append(data.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
		if a.ID == chosen || data.Antenna == nil {
			data.Antenna = a
		}
	}
	if data.Antenna == nil {
		h.Render.NotFound(w, r)
		return
	}
	data.AntennaID = data.Antenna.ID
	loc, err := time.LoadLocation(data.Antenna.Timezone)
	if err != nil {
		loc = time.UTC
	}
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if data.Closures, err = Closures(r.Context(), h.DB, data.AntennaID, today); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if data.Antenna.Country == "FR" {
		for _, hd := range append(FrenchHolidays(today.Year()), FrenchHolidays(today.Year()+1)...) {
			if !hd.Date.Before(today) {
				data.Holidays = append(data.Holidays, hd)
			}
		}
	}
	if f == nil {
		f = web.NewForm(url.Values{})
	}
	f.Set("antenna", strconv.FormatInt(data.AntennaID, 10))
	h.Render.Render(w, r, status, "calendar/closures.html", data, f)
}

// ClosuresPage lists an antenna's closures to come, the public holidays ahead,
// and the form to add a closure.
func (h *Handlers) ClosuresPage(w http.ResponseWriter, r *http.Request) {
	chosen, _ := strconv.ParseInt(r.URL.Query().Get("antenna"), 10, 64)
	h.renderClosures(w, r, http.StatusOK, chosen, nil)
}

// ClosureAdd records a closure of an antenna the person manages.
func (h *Handlers) ClosureAdd(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	st := auth.Current(r.Context())
	antenna, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	if !st.ManagesAntenna(antenna) {
		h.Render.NotFound(w, r)
		return
	}
	f.Required("label")
	f.MaxLength("label", 120)
	from, okFrom := DayField(f, "from")
	to, okTo := DayField(f, "to")
	if okFrom && okTo {
		if to.Before(from) {
			f.Fail("to", "training.to_before_from")
		} else if to.Sub(from) > 366*24*time.Hour {
			f.Fail("to", "training.closure_too_long")
		}
	}
	if !f.Valid() {
		h.renderClosures(w, r, http.StatusUnprocessableEntity, antenna, f)
		return
	}
	c := &Closure{AntennaID: antenna, StartsOn: from, EndsOn: to, Label: f.Get("label")}
	if err := AddClosure(r.Context(), h.DB, c, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "training.closure_added")
	http.Redirect(w, r, "/closures?antenna="+strconv.FormatInt(antenna, 10), http.StatusSeeOther)
}

// ClosureDelete removes a closure of an antenna the person manages.
func (h *Handlers) ClosureDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	antenna, err := closureAntenna(ctx, h.DB, web.PathID(r, "id"))
	if err == nil && !auth.Current(ctx).ManagesAntenna(antenna) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := DeleteClosure(ctx, h.DB, web.PathID(r, "id")); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "training.closure_deleted")
	http.Redirect(w, r, "/closures?antenna="+strconv.FormatInt(antenna, 10), http.StatusSeeOther)
}
