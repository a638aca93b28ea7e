package openinghours_test

import (
	"errors"
	"fmt"

	"tremplin/internal/platform/openinghours"
)

func ExampleValidate() {
	fmt.Println(openinghours.Validate("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off"))

	err := openinghours.Validate("Mo-Fr 09:00-12:00; Sa 9-12")
	var se *openinghours.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se.Pos, se.Msg)
	}
	// Output:
	// <nil>
	// 22 unexpected number "9" (times are written HH:MM, e.g. 09:00)
}
