import TriageCore

/// How many containers the analysts can inspect: a count, or a share of the batch.
public enum Capacity: Sendable, Equatable, CustomStringConvertible {
    case count(Int)
    case percent(Double)

    /// Parses `25` or `10%`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Double(trimmed.dropLast()), value > 0, value <= 100 else {
                throw ScanTriageError(.invalidInput, "capacity '\(text)': a percentage must be above 0 and at most 100")
            }
            self = .percent(value)
        } else {
            guard let value = Int(trimmed) else {
                throw ScanTriageError(.invalidInput, "capacity '\(text)': expected a count like 25 or a share like 10%")
            }
            guard value >= 1 else {
                throw ScanTriageError(.invalidInput, "capacity '\(text)': a count must be at least 1 (the analysts inspect at least one container)")
            }
            self = .count(value)
        }
    }

    /// The number of containers out of `total`; a share rounds up, so 10 % of 5 is 1.
    public func containers(of total: Int) -> Int {
        switch self {
        case .count(let n): min(n, total)
        case .percent(let p): min(total, Int((Double(total) * p / 100).rounded(.up)))
        }
    }

    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .percent(let p): p == p.rounded() ? "\(Int(p))%" : "\(p)%"
        }
    }
}
