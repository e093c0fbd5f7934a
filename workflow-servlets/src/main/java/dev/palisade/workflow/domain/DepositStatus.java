package dev.palisade.workflow.domain;

public enum DepositStatus {
    REQUESTED,
    PAID
}
