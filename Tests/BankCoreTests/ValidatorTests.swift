import BankCore
import Testing

@Suite struct ValidatorTests {
    @Test func validatorWithNoFailuresDoesNotThrow() throws {
        var validator = Validator()
        validator.check(true, "email", "must be a valid email address")
        #expect(validator.errors.isEmpty)
        try validator.validate()
    }

    @Test func validatorThrowsEveryFailedFieldInOrder() {
        var validator = Validator()
        validator.check(false, "email", "must be a valid email address")
        validator.check(true, "first_name", "must not be blank")
        validator.check(false, "password", "must be 12 to 128 characters")
        let error = #expect(throws: ValidationError.self) { try validator.validate() }
        #expect(
            error?.fieldErrors == [
                FieldError(field: "email", message: "must be a valid email address"),
                FieldError(field: "password", message: "must be 12 to 128 characters"),
            ])
    }

    @Test func validationErrorDescribesItselfForTheAPI() {
        let error = ValidationError([FieldError(field: "amount_cents", message: "must be > 0"), FieldError(field: "nickname", message: "too long")])
        #expect(error.code == "validation_failed")
        #expect(error.kind == .invalid)
        #expect(error.title == "Validation failed")
        #expect(error.detail == "amount_cents must be > 0; nickname too long")
        #expect(error.description == "validation_failed: amount_cents must be > 0; nickname too long")
        #expect(error.extensions.isEmpty)
        #expect(ValidationError(field: "x", "bad").fieldErrors == [FieldError(field: "x", message: "bad")])
    }

    @Test func bankErrorTitleIsDerivedFromTheCode() {
        struct Example: BankError {
            var code: String
            var kind: ErrorKind { .conflict }
            var detail: String { "detail" }
        }
        #expect(Example(code: "insufficient_funds").title == "Insufficient funds")
        #expect(Example(code: "locked").title == "Locked")
        #expect(Example(code: "").title == "")
        #expect(Example(code: "account_not_found").fieldErrors.isEmpty)
    }
}
