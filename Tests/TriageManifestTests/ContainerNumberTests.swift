import Foundation
import Testing
import TestSupport
import TriageCore

@Suite struct ContainerNumberTests {
    /// Every upstream vector and every real id from port EDI files, against the strict
    /// (11-character) reading that python-stdnum also takes.
    @Test func allISO6346VectorsAgree() throws {
        let path = try TestData.path("iso6346/iso6346_vectors.csv")
        let bag = DiagnosticBag()
        let table = try #require(CSVTable(try Data(contentsOf: URL(fileURLWithPath: path)), file: path,
                                          required: ["container_id", "expected_valid", "stdnum_2.2"], diagnostics: bag))
        #expect(bag.diagnostics.isEmpty)
        #expect(table.rows.count > 1390)
        var checkValueTen = 0
        for row in table.rows {
            let id = table.value(row, "container_id")!
            let strict = table.value(row, "stdnum_2.2")!
            let expected = (strict.isEmpty ? table.value(row, "expected_valid")! : strict) == "true"
            let valid = (try? ContainerNumber(id)) != nil
            #expect(valid == expected, "\(id): expected \(expected ? "valid" : "invalid")")
            if expected, ContainerNumber.checkDigit(String(ContainerNumber.normalise(id).prefix(10))) == 0 { checkValueTen += 1 }
        }
        #expect(checkValueTen >= 10, "the vectors include check values of 10 written as 0")
    }

    @Test func reasonsSayWhatWasExpected() {
        #expect(throws: InvalidContainerNumber.self) { try ContainerNumber("CSQU3054384") }
        do { _ = try ContainerNumber("CSQU3054384") } catch { #expect(error.reason == "check digit is 4; expected 3") }
        do { _ = try ContainerNumber("CSQX3054383") } catch { #expect(error.reason.contains("expected U, J or Z")) }
        do { _ = try ContainerNumber("CSQU305438") } catch { #expect(error.reason.contains("has 10 characters")) }
        #expect((try? ContainerNumber(" msku 123456-5 "))?.value == "MSKU1234565")
        #expect(ContainerNumber.make(owner: "APZ", serial: 378987).value == "APZU3789870")
    }
}
