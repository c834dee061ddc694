package dev.tally.engine.record;

/** Decodes a record value into the fields the job uses (and only those). */
interface Decoder {
    /** @param fields cleared by the caller; the decoder sets the slots it finds */
    void decode(byte[] value, Fields fields) throws BadRecordException;

    static BadRecordException noValue() {
        return new BadRecordException(BadRecordException.Reason.UNDECODABLE, "record has no value");
    }
}
