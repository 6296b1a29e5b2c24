import threading
import time


def fetch_data(result):
    print('start fetching')
    time.sleep(2)
    print('done fetching')
    result['data'] = 1


def print_numbers():
    time.sleep(0.1)  # let fetch_data print first
    for i in range(10):
        print(i)
        time.sleep(0.25)


def main():
    value = {}
    thread1 = threading.Thread(target=fetch_data, args=(value,))
    thread2 = threading.Thread(target=print_numbers)
    thread1.start()
    thread2.start()

    thread1.join()
    print(value)
    thread2.join()


main()
