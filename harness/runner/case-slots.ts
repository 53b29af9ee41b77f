/**
 * A bound on the load a suite puts on the gateway at once, counted in slots: a plain
 * request case takes one, a case that opens a hundred connections or moves megabytes
 * takes more. A count of cases would let eight heavy ones starve the machine while
 * light ones could have run by the dozen.
 */
export class CaseSlots {
  private free: number;
  private readonly waiting: Array<{ weight: number; start: () => void }> = [];

  constructor(readonly capacity: number) {
    this.free = capacity;
  }

  /**
   * Runs `work` once `weight` slots are free (a weight above the capacity takes them all); frees them after.
   * Weight 0 (work that only holds idle connections) runs at once, beside the rest, in no slot.
   */
  async run<T>(weight: number, work: () => Promise<T>): Promise<T> {
    if (weight <= 0) return work();
    const taken = Math.min(Math.ceil(weight), this.capacity);
    await this.acquire(taken);
    try {
      return await work();
    } finally {
      this.free += taken;
      this.startWaiting();
    }
  }

  private acquire(weight: number): Promise<void> {
    if (this.waiting.length === 0 && this.free >= weight) {
      this.free -= weight;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ weight, start: resolve }));
  }

  /** First come, first served: a heavy case at the head is not overtaken for ever by light ones. */
  private startWaiting(): void {
    while (this.waiting.length > 0 && this.free >= this.waiting[0]!.weight) {
      const next = this.waiting.shift()!;
      this.free -= next.weight;
      next.start();
    }
  }
}
