package auth

import "testing"

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("une phrase de passe")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := CheckPassword(h, "une phrase de passe"); !ok {
		t.Fatal("the right password is refused")
	}
	if ok, _ := CheckPassword(h, "une phrase de passE"); ok {
		t.Fatal("a wrong password is accepted")
	}
	h2, _ := HashPassword("une phrase de passe")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if _, err := CheckPassword("$2a$10$notargon", "x"); err == nil {
		t.Fatal("a foreign hash format is not reported")
	}
	// The constant used for unknown accounts is a real hash that nothing matches.
	if ok, err := CheckPassword(dummyHash, ""); ok || err != nil {
		t.Fatalf("dummy hash: %v %v", ok, err)
	}
}
