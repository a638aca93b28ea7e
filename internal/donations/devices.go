package donations

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// Device is one donated device and where it went.
type Device struct {
	ID, GiftID, AntennaID int64
	Label, Serial, State  string
	LearnerID, PlaceID    int64
	LearnerName, Place    string
	PlacedOn              time.Time
}

// ErrDeviceTaken: the device is no longer in stock (given or in use).
var ErrDeviceTaken = errors.New("donations: the device is no longer in stock")

// AddDevices records devices of a gift in kind, in an antenna's stock: one
// per serial number, or count without one.
func AddDevices(ctx context.Context, d *db.DB, giftID, antennaID int64, label string, serials []string, count int) error {
	if len(serials) == 0 {
		serials = make([]string, count)
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		b := db.NewBatch(ctx, tx, "donated_devices", "gift_id", "antenna_id", "label", "serial", "created_at", "updated_at")
		for _, s := range serials {
			if err := b.Add(giftID, antennaID, label, s, now, now); err != nil {
				return err
			}
		}
		return b.Flush()
	})
}

const deviceCols = `v.id, v.gift_id, v.antenna_id, v.label, v.serial, v.state, COALESCE(v.learner_id, 0), COALESCE(v.place_id, 0),
	COALESCE(l.first_name || ' ' || l.last_name, ''), COALESCE(p.name, ''), COALESCE(v.placed_on, '')
	FROM donated_devices v LEFT JOIN learners l ON l.id = v.learner_id LEFT JOIN places p ON p.id = v.place_id`

func scanDevice(row db.Scanner) (*Device, error) {
	v := &Device{}
	var on string
	err := row.Scan(&v.ID, &v.GiftID, &v.AntennaID, &v.Label, &v.Serial, &v.State, &v.LearnerID, &v.PlaceID, &v.LearnerName, &v.Place, &on)
	v.PlacedOn, _ = time.Parse(time.DateOnly, on)
	return v, err
}

// DevicesOfDonor lists the devices of a donor's gifts.
func DevicesOfDonor(ctx context.Context, d *db.DB, donorID int64) ([]*Device, error) {
	return db.Collect[*Device](d.QueryContext(ctx, "SELECT "+deviceCols+
		" WHERE v.gift_id IN (SELECT id FROM gifts WHERE donor_id = $1) ORDER BY v.gift_id, v.id LIMIT 500", donorID))(scanDevice)
}

// DevicesOfLearner lists what a learner was given.
func DevicesOfLearner(ctx context.Context, d *db.DB, learnerID int64) ([]*Device, error) {
	return db.Collect[*Device](d.QueryContext(ctx, "SELECT "+deviceCols+" WHERE v.learner_id = $1 ORDER BY v.placed_on, v.id", learnerID))(scanDevice)
}

// Stock lists the devices in an antenna's stock, for the form that gives one.
func Stock(ctx context.Context, d *db.DB, antennaID int64) ([]*Device, error) {
	return db.Collect[*Device](d.QueryContext(ctx, "SELECT "+deviceCols+
		" WHERE v.antenna_id = $1 AND v.state = 'stock' ORDER BY v.label, v.id LIMIT 200", antennaID))(scanDevice)
}

// Place records that a device in stock was given to a learner of its antenna
// (learnerID) or put to use in one of its rooms (placeID), on day on; a device
// already given or in use is refused (ErrDeviceTaken), so that two staff
// handing out the last laptop at once cannot both succeed.
func Place(ctx context.Context, d *db.DB, deviceID, learnerID, placeID int64, on time.Time, by int64) error {
	state := "given"
	if placeID != 0 {
		state = "in_use"
	}
	res, err := d.Exec(ctx, `UPDATE donated_devices SET state = $1, learner_id = $2, place_id = $3, placed_on = $4, placed_by = $5,
		updated_at = $6 WHERE id = $7 AND state = 'stock'`, state, db.NullID(learnerID), db.NullID(placeID), on.Format(time.DateOnly),
		db.NullID(by), db.Now(), deviceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrDeviceTaken
	}
	return nil
}

// Gear is what the learner file shows of the devices a person was given, and
// the antenna's stock to give one from (the learners package's hook).
func (h *Handlers) Gear(ctx context.Context, learnerID, antennaID int64) (given []string, stock []web.Option, err error) {
	list, err := DevicesOfLearner(ctx, h.DB, learnerID)
	if err != nil {
		return nil, nil, err
	}
	p := i18n.FromContext(ctx)
	for _, v := range list {
		given = append(given, p.T("donations.device.given_line", "label", deviceName(v), "date", web.FormatDate(p, v.PlacedOn)))
	}
	in, err := Stock(ctx, h.DB, antennaID)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range in {
		stock = append(stock, web.Option{Value: strconv.FormatInt(v.ID, 10), Label: deviceName(v), Raw: true})
	}
	return given, stock, nil
}

func deviceName(v *Device) string {
	if v.Serial != "" {
		return v.Label + " (" + v.Serial + ")"
	}
	return v.Label + " #" + strconv.FormatInt(v.ID, 10)
}

// GiveDevice gives a device of the learner's antenna's stock to them, from
// their file: POST /learners/{id}/devices.
func (h *Handlers) GiveDevice(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	learner := web.PathID(r, "id")
	args := db.Args{learner}
	var antenna int64
	if err := h.DB.QueryRowContext(ctx, "SELECT antenna_id FROM learners WHERE id = $1 AND "+st.Scope().Where("antenna_id", &args),
		args...).Scan(&antenna); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	device, _ := strconv.ParseInt(f.Get("device"), 10, 64)
	var at int64
	if err := h.DB.QueryRowContext(ctx, "SELECT antenna_id FROM donated_devices WHERE id = $1", device).Scan(&at); err != nil || at != antenna {
		h.Flash(r, "donations.device.choose")
	} else if err := Place(ctx, h.DB, device, learner, 0, h.now(), st.ID); errors.Is(err, ErrDeviceTaken) {
		h.Flash(r, "donations.device.taken")
	} else if err != nil {
		h.Render.Fail(w, r, err)
		return
	} else {
		h.Flash(r, "donations.device.given")
	}
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(learner, 10)+"#devices", http.StatusSeeOther)
}

// AddDevicesPage records the devices of one of the donor's gifts in kind:
// POST /donors/{id}/gifts/{gift}/devices, with label, serials (one a line) or
// count, and the antenna that keeps them.
func (h *Handlers) AddDevicesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	gift := web.PathID(r, "gift")
	var kind string
	if err := h.DB.QueryRowContext(ctx, "SELECT kind FROM gifts WHERE id = $1 AND donor_id = $2", gift, o.ID).Scan(&kind); err != nil || kind != InKind {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	f.Set("devices_gift", strconv.FormatInt(gift, 10))
	f.Required("device_label")
	f.MaxLength("device_label", 120)
	var serials []string
	for _, s := range strings.Split(f.Values.Get("serials"), "\n") {
		if s = strings.TrimSpace(s); s != "" {
			serials = append(serials, s)
		}
	}
	count := 0
	if len(serials) == 0 {
		n, err := strconv.Atoi(f.Get("count"))
		if err != nil || n < 1 || n > 500 {
			f.Fail("count", "donations.device.count_invalid")
		}
		count = n
	} else if len(serials) > 500 {
		f.Fail("serials", "donations.device.count_invalid")
	}
	antenna, _ := strconv.ParseInt(f.Get("device_antenna"), 10, 64)
	if _, err := org.AntennaByID(ctx, h.DB, st.Scope(), antenna); err != nil {
		f.Fail("device_antenna", "form.choose")
	}
	if !f.Valid() {
		h.show(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err := AddDevices(ctx, h.DB, gift, antenna, f.Get("device_label"), serials, count); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "donations.device.added")
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#devices", http.StatusSeeOther)
}

// UseDevicePage puts a device of the donor's gifts to use in a room of its
// antenna: POST /donors/{id}/devices/{device}/use, with place.
func (h *Handlers) UseDevicePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, o, f, ok := h.posted(w, r)
	if !ok {
		return
	}
	device := web.PathID(r, "device")
	var antenna int64
	if err := h.DB.QueryRowContext(ctx, `SELECT v.antenna_id FROM donated_devices v JOIN gifts g ON g.id = v.gift_id
		WHERE v.id = $1 AND g.donor_id = $2`, device, o.ID).Scan(&antenna); err != nil {
		h.Render.Fail(w, r, db.NotFound(err))
		return
	}
	place, _ := strconv.ParseInt(f.Get("place"), 10, 64)
	if p, err := org.PlaceByID(ctx, h.DB, st.Scope(), place); err != nil || p.AntennaID != antenna {
		h.Flash(r, "donations.device.choose_place")
	} else if err := Place(ctx, h.DB, device, 0, place, h.now(), st.ID); errors.Is(err, ErrDeviceTaken) {
		h.Flash(r, "donations.device.taken")
	} else if err != nil {
		h.Render.Fail(w, r, err)
		return
	} else {
		h.Flash(r, "donations.device.in_use")
	}
	http.Redirect(w, r, "/donors/"+strconv.FormatInt(o.ID, 10)+"#devices", http.StatusSeeOther)
}
