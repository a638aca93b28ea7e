package communes

import (
	"math"
	"testing"
)

func TestKm(t *testing.T) {
	lille, paris := ByINSEE("59350"), ByINSEE("75056")
	if lille == nil || paris == nil || !lille.Located || !paris.Located {
		t.Fatal("Lille and Paris have centres")
	}
	// Lille – Paris is some 204 km as the crow flies.
	if d := Km(lille.Centre, paris.Centre); d < 195 || d > 212 {
		t.Errorf("Lille–Paris = %.0f km", d)
	}
	if d := Km(lille.Centre, lille.Centre); d != 0 {
		t.Errorf("Lille–Lille = %v", d)
	}
	// Roubaix is about 11 km from Lille's centre.
	if d := Km(lille.Centre, ByINSEE("59512").Centre); d < 7 || d > 15 {
		t.Errorf("Lille–Roubaix = %.1f km", d)
	}
}

func TestBoxHoldsTheCircle(t *testing.T) {
	c := Point{50.63, 3.06}
	minLat, maxLat, minLon, maxLon := Box(c, 30)
	for deg := 0.0; deg < 360; deg += 15 {
		// A point 29.9 km away in each direction is inside the box.
		a := deg * math.Pi / 180
		p := Point{c.Lat + 29.9/111.195*math.Cos(a), c.Lon + 29.9/111.195*math.Sin(a)/math.Cos(c.Lat*math.Pi/180)}
		if Km(c, p) < 30 && (p.Lat < minLat || p.Lat > maxLat || p.Lon < minLon || p.Lon > maxLon) {
			t.Errorf("%v (%.1f km) outside the box", p, Km(c, p))
		}
	}
}

func TestPlace(t *testing.T) {
	for _, c := range []struct {
		post, town string
		near       string // INSEE code of the commune expected within 1 km
		ok         bool
	}{
		{"59000", "Lille", "59350", true},
		{"59000", "", "59350", true},
		{"59100", "ROUBAIX", "59512", true},
		{"75011", "Paris", "75056", true}, // the arrondissements are placed at Paris's centre or near it
		{"99999", "Nowhere", "", false},
		{"", "Lille", "", false},
	} {
		p, ok := Place(c.post, c.town)
		if ok != c.ok {
			t.Errorf("Place(%q, %q) ok = %v", c.post, c.town, ok)
			continue
		}
		if ok && c.near != "" && Km(p, ByINSEE(c.near).Centre) > 6 {
			t.Errorf("Place(%q, %q) is %.1f km from %s", c.post, c.town, Km(p, ByINSEE(c.near).Centre), c.near)
		}
	}
}

func TestEveryCommuneOfFranceAndOverseasDepartementsIsLocated(t *testing.T) {
	missing := 0
	for code, c := range load().byINSEE {
		if !c.Located && code < "975" {
			missing++
		}
		if c.Located && (c.Centre.Lat < -22 || c.Centre.Lat > 51.2 || c.Centre.Lon < -62 || c.Centre.Lon > 56) {
			t.Errorf("%s %s at %v", code, c.Name, c.Centre)
		}
	}
	if missing != 0 {
		t.Errorf("%d communes of France and the overseas départements without a centre", missing)
	}
	if n := len(load().byINSEE); n != 35014 {
		t.Errorf("%d communes", n)
	}
}
