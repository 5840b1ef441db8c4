/// UN/LOCODE: two letters of country, three letters or digits 2–9 of place (BRSSZ, NLRTM).
public enum UNLocode {
    /// Nil when `text` is a well-formed UN/LOCODE (a space between country and place is allowed),
    /// else what is wrong, in words.
    public static func problem(_ text: String) -> String? {
        let compact = text.replacingOccurrences(of: " ", with: "")
        let scalars = Array(compact.unicodeScalars)
        let ok = scalars.count == 5
            && scalars[0...1].allSatisfy { ("A"..."Z").contains($0) }
            && scalars[2...4].allSatisfy { ("A"..."Z").contains($0) || ("2"..."9").contains($0) }
        return ok ? nil : "\"\(text)\" is not a UN/LOCODE; expected 5 characters like BRSSZ or NLRTM"
    }
}
