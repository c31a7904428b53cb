/// A fixed-memory time series: one value per second for the last hour, and one-minute
/// averages for the last 24 hours. 3,600 + 1,440 Float32 values: 20,160 bytes of samples
/// per series, whatever the job's length. A job keeps two (CPU% and RSS): about 40 KB.
///
/// Snapshots sent to viewers carry only the newest `wireFine` and `wireCoarse` values (what
/// a graph can show), so a long-running job does not make every snapshot heavy.
public struct Timeline: Sendable, Equatable {
    public static let fineCapacity = 3_600
    public static let coarseCapacity = 1_440
    public static let wireFine = 240
    public static let wireCoarse = 240

    /// One value a second (the sampler's interval), oldest first.
    public private(set) var fine = Ring(capacity: Timeline.fineCapacity)
    /// One value a minute: the mean of that minute's fine values.
    public private(set) var coarse = Ring(capacity: Timeline.coarseCapacity)
    /// Time of the newest value.
    public private(set) var lastAt: Double?
    private var minuteSum: Double = 0
    private var minuteCount = 0
    private var minute: Int?

    public init() {}

    public mutating func append(_ v: Double, at t: Double) {
        fine.append(Float(v))
        lastAt = t
        let m = Int(t / 60)
        if let current = minute, current != m, minuteCount > 0 {
            coarse.append(Float(minuteSum / Double(minuteCount)))
            minuteSum = 0
            minuteCount = 0
        }
        minute = m
        minuteSum += v
        minuteCount += 1
    }

    /// The newest `n` per-second values, oldest first.
    public func recent(_ n: Int) -> [Double] { fine.suffix(n).map(Double.init) }

    public var count: Int { fine.count }
    public var last: Double? { fine.last.map(Double.init) }
    public var max: Double { Double(fine.values.max() ?? 0) }

    /// A ring buffer of Float32 values with a fixed capacity.
    public struct Ring: Sendable, Equatable {
        public let capacity: Int
        private var storage: [Float] = []
        private var head = 0  // index of the oldest value once full

        public init(capacity: Int) { self.capacity = capacity }

        public var count: Int { storage.count }

        public mutating func append(_ v: Float) {
            if storage.count < capacity {
                // The last growth goes to the capacity exactly, not to the next power of two.
                if storage.count == storage.capacity && storage.count * 2 > capacity { storage.reserveCapacity(capacity) }
                storage.append(v)
            } else {
                storage[head] = v
                head = (head + 1) % capacity
            }
        }

        /// All values, oldest first.
        public var values: [Float] { Array(storage[head...] + storage[..<head]) }
        public var last: Float? { storage.isEmpty ? nil : storage[(head + storage.count - 1) % storage.count] }

        public func suffix(_ n: Int) -> [Float] {
            let k = Swift.min(n, storage.count)
            return (0..<k).map { storage[(head + storage.count - k + $0) % storage.count] }
        }
    }
}

extension Timeline: Codable {
    private enum Keys: String, CodingKey { case fine, coarse, lastAt }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        for v in try c.decode([Float].self, forKey: .fine) { fine.append(v) }
        for v in try c.decode([Float].self, forKey: .coarse) { coarse.append(v) }
        lastAt = try c.decodeIfPresent(Double.self, forKey: .lastAt)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(fine.suffix(Self.wireFine).map { ($0 * 10).rounded() / 10 }, forKey: .fine)
        try c.encode(coarse.suffix(Self.wireCoarse).map { ($0 * 10).rounded() / 10 }, forKey: .coarse)
        try c.encodeIfPresent(lastAt, forKey: .lastAt)
    }
}
