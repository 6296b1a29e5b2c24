print('start fetching')
for i in range(4):
    print(i)
print('done fetching')
print({'data': 1})
for i in range(4, 10):
    print(i)
